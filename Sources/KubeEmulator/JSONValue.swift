/// A dynamically typed JSON document, the emulator's representation of every Kubernetes object.
public enum JSONValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.integer(a), .double(b)): return Double(a) == b
        case let (.double(a), .integer(b)): return a == Double(b)
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .integer(let value): hasher.combine(Double(value))
        case .double(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let value): hasher.combine(value)
        case .object(let value): hasher.combine(value)
        }
    }

    /// Member access that yields `.null` for missing keys or non-objects.
    public subscript(key: String) -> JSONValue {
        get {
            if case .object(let members) = self { return members[key] ?? .null }
            return .null
        }
        set {
            var members: [String: JSONValue]
            if case .object(let existing) = self { members = existing } else { members = [:] }
            if case .null = newValue { members.removeValue(forKey: key) } else { members[key] = newValue }
            self = .object(members)
        }
    }

    /// Looks a value up along a path of member names.
    public subscript(path path: [String]) -> JSONValue {
        var current = self
        for key in path { current = current[key] }
        return current
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value) where value.rounded() == value: return Int64(value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// True for `.null`, and for empty objects and arrays.
    var isEmptyContainer: Bool {
        switch self {
        case .object(let members): return members.isEmpty
        case .array(let items): return items.isEmpty
        default: return false
        }
    }

    /// Compact JSON with sorted keys (the canonical form the emulator serves).
    public var description: String { JSONSerializer.string(self) }

    /// Removes a member if present (no-op on non-objects).
    mutating func removeMember(_ key: String) {
        if case .object(var members) = self {
            members.removeValue(forKey: key)
            self = .object(members)
        }
    }

    /// Sets a value along a path, creating intermediate objects.
    mutating func set(path: [String], to value: JSONValue) {
        guard let first = path.first else {
            self = value
            return
        }
        var child = self[first]
        child.set(path: Array(path.dropFirst()), to: value)
        if case .null = value, path.count == 1 {
            removeMember(first)
        } else {
            var members = objectValue ?? [:]
            members[first] = child
            self = .object(members)
        }
    }
}
