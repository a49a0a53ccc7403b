import JSON

extension YAMLNode {
    /// Converts the node to JSON the way Kubernetes tooling reads YAML manifests: core-schema
    /// scalars, `<<` merge keys applied, scalar keys as strings, duplicate keys refused.
    public func jsonValue() throws(YAMLError) -> JSONValue {
        switch content {
        case .scalar(let text, let style):
            switch try YAMLScalarResolver.resolve(text, style: style, tag: tag) {
            case .null: return .null
            case .bool(let value): return .bool(value)
            case .integer(let value): return .number(JSONNumber(value))
            case .unsignedInteger(let value): return .number(JSONNumber(literal: String(value)))
            case .float(let value):
                guard let number = JSONNumber(value) else {
                    throw YAMLError(code: .invalidValue, message: "\(text) cannot be represented in JSON", mark: start)
                }
                return .number(number)
            case .timestamp(let value), .string(let value): return .string(value)
            }
        case .sequence(let items):
            var array: [JSONValue] = []
            array.reserveCapacity(items.count)
            for item in items { array.append(try item.jsonValue()) }
            return .array(array)
        case .mapping(let pairs):
            var object = JSONObject()
            var merged: [(String, JSONValue)] = []
            for pair in pairs {
                if pair.key.isMergeKey {
                    merged.append(contentsOf: try pair.value.mergeSources())
                    continue
                }
                guard let key = pair.key.scalarText else {
                    throw YAMLError(code: .unsupported, message: "mapping keys must be scalars", mark: pair.key.start)
                }
                if object.contains(key) {
                    throw YAMLError(code: .duplicateKey, message: "duplicate key \"\(key)\"", mark: pair.key.start)
                }
                object[key] = try pair.value.jsonValue()
            }
            for (key, value) in merged where !object.contains(key) {
                object[key] = value
            }
            return .object(object)
        }
    }

    var isMergeKey: Bool {
        if case .scalar("<<", .plain) = content, tag == nil || tag == YAMLScalarResolver.tagPrefix + "merge" { return true }
        return false
    }

    /// The members a `<<` value contributes: one mapping, or a list of mappings (earlier wins).
    private func mergeSources() throws(YAMLError) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        var seen = Set<String>()
        let sources: [YAMLNode]
        switch content {
        case .mapping: sources = [self]
        case .sequence(let items): sources = items
        case .scalar:
            throw YAMLError(code: .invalidValue, message: "a << merge key needs a mapping or a list of mappings", mark: start)
        }
        for source in sources {
            guard case .mapping = source.content, case .object(let object) = try source.jsonValue() else {
                throw YAMLError(code: .invalidValue, message: "a << merge key needs a mapping or a list of mappings", mark: source.start)
            }
            for (key, value) in object where !seen.contains(key) {
                seen.insert(key)
                members.append((key, value))
            }
        }
        return members
    }
}
