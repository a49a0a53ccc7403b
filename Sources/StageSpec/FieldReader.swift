import JSON

/// Collects every problem found while decoding the documents of one load.
final class IssueCollector {
    private(set) var issues: [ConfigurationIssue] = []

    func add(_ issue: ConfigurationIssue) {
        issues.append(issue)
    }
}

/// Reads the members of one JSON object at a known field path, recording a precise issue for
/// every missing, mistyped, unknown, refused or not-yet-supported field instead of stopping.
struct FieldReader {
    let object: JSONObject
    let path: FieldPath
    let origin: DocumentOrigin
    let issues: IssueCollector
    private let consumed: ConsumedKeys

    final class ConsumedKeys {
        var keys: Set<String> = []
    }

    init(object: JSONObject, path: FieldPath, origin: DocumentOrigin, issues: IssueCollector) {
        self.object = object
        self.path = path
        self.origin = origin
        self.issues = issues
        self.consumed = ConsumedKeys()
    }

    func report(_ code: ConfigurationIssue.Code, at path: FieldPath, _ message: String) {
        issues.add(ConfigurationIssue(code: code, origin: origin, path: path, message: message))
    }

    func has(_ key: String) -> Bool {
        if let value = object[key], !value.isNull { return true }
        return false
    }

    /// The raw value of a member, marked as consumed; `nil` when absent or null.
    func value(_ key: String) -> JSONValue? {
        consumed.keys.insert(key)
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required { report(.missingField, at: path.child(key), "required field is missing") }
            return nil
        }
        guard case .string(let string) = value else {
            report(.invalidValue, at: path.child(key), "must be a string, not \(value.typeName)")
            return nil
        }
        if required && string.isEmpty {
            report(.missingField, at: path.child(key), "must not be empty")
            return nil
        }
        return string
    }

    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let bool) = value else {
            report(.invalidValue, at: path.child(key), "must be true or false, not \(value.typeName)")
            return nil
        }
        return bool
    }

    func duration(_ key: String, required: Bool = false) -> Duration? {
        guard let text = string(key, required: required) else { return nil }
        guard let duration = GoDuration.parse(text) else {
            report(.invalidValue, at: path.child(key), "invalid duration \"\(text)\" (use Go syntax such as 30s, 5m, 1h30m)")
            return nil
        }
        return duration
    }

    func enumeration<Value: RawRepresentable>(_ key: String, as type: Value.Type, allowed: [Value]) -> Value?
    where Value.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let value = Value(rawValue: text), allowed.contains(where: { $0.rawValue == text }) else {
            let choices = allowed.map(\.rawValue).joined(separator: ", ")
            report(.invalidValue, at: path.child(key), "unsupported value \"\(text)\" (allowed: \(choices))")
            return nil
        }
        return value
    }

    func object(_ key: String, required: Bool = false) -> FieldReader? {
        guard let value = value(key) else {
            if required { report(.missingField, at: path.child(key), "required field is missing") }
            return nil
        }
        guard case .object(let object) = value else {
            report(.invalidValue, at: path.child(key), "must be an object, not \(value.typeName)")
            return nil
        }
        return FieldReader(object: object, path: path.child(key), origin: origin, issues: issues)
    }

    /// The elements of an array member with their field paths.
    func array(_ key: String) -> [(JSONValue, FieldPath)]? {
        guard let value = value(key) else { return nil }
        guard case .array(let array) = value else {
            report(.invalidValue, at: path.child(key), "must be a list, not \(value.typeName)")
            return nil
        }
        return array.enumerated().map { ($0.element, path.child(key).index($0.offset)) }
    }

    /// The elements of an array member that are objects, as readers.
    func objects(_ key: String) -> [FieldReader]? {
        guard let elements = array(key) else { return nil }
        return elements.compactMap { element, elementPath in
            guard case .object(let object) = element else {
                report(.invalidValue, at: elementPath, "must be an object, not \(element.typeName)")
                return nil
            }
            return FieldReader(object: object, path: elementPath, origin: origin, issues: issues)
        }
    }

    /// Refuses fields that the StageSet controller accepts but this agent does not implement yet.
    func refuseNotSupportedYet(_ keys: [String]) {
        for key in keys where object[key] != nil {
            consumed.keys.insert(key)
            report(.notSupportedYet, at: path.child(key), "not supported yet: \(path.child(key))")
        }
    }

    /// Refuses fields that have no meaning on a host, with the reason.
    func refuseOnHost(_ key: String, because explanation: String) {
        guard object[key] != nil else { return }
        consumed.keys.insert(key)
        report(.notApplicableOnHost, at: path.child(key), explanation)
    }

    /// Reports every member nobody read; call after all reads.
    func rejectUnknownFields() {
        for key in object.keys where !consumed.keys.contains(key) {
            report(.unknownField, at: path.child(key), "unknown field \"\(key)\"")
        }
    }
}
