/// One step of a managed-fields path: `f:<field>`, `k:<key object>`, `v:<value>`, `i:<index>`.
enum PathElement: Hashable, Sendable, Comparable {
    case field(String)
    /// Canonical (sorted, compact) JSON of the key fields of an associative-list item.
    case key(String)
    /// Canonical JSON of a set-list value.
    case value(String)
    case index(Int)

    var encoded: String {
        switch self {
        case .field(let name): return "f:" + name
        case .key(let json): return "k:" + json
        case .value(let json): return "v:" + json
        case .index(let position): return "i:\(position)"
        }
    }

    init?(encoded: String) {
        guard encoded.count >= 2 else { return nil }
        let body = String(encoded.dropFirst(2))
        switch encoded.prefix(2) {
        case "f:": self = .field(body)
        case "k:":
            guard let parsed = try? JSONParser.parse(body) else { return nil }
            self = .key(JSONSerializer.string(parsed))
        case "v:":
            guard let parsed = try? JSONParser.parse(body) else { return nil }
            self = .value(JSONSerializer.string(parsed))
        case "i:":
            guard let position = Int(body) else { return nil }
            self = .index(position)
        default: return nil
        }
    }

    /// The form structured-merge-diff prints in conflict messages (`.spec.replicas`, `[name="web"]`).
    var display: String {
        switch self {
        case .field(let name): return "." + name
        case .key(let json):
            let members = (try? JSONParser.parse(json))?.objectValue ?? [:]
            return "[" + members.keys.sorted().map { "\($0)=\(JSONSerializer.string(members[$0]!))" }.joined(separator: ",") + "]"
        case .value(let json): return "[=\(json)]"
        case .index(let position): return "[\(position)]"
        }
    }

    private var sortRank: Int {
        switch self {
        case .field: return 0
        case .key: return 1
        case .value: return 2
        case .index: return 3
        }
    }

    static func < (lhs: PathElement, rhs: PathElement) -> Bool {
        if lhs.sortRank != rhs.sortRank { return lhs.sortRank < rhs.sortRank }
        return lhs.encoded < rhs.encoded
    }

    /// The key element for an associative-list item, or nil when the item is not an object.
    static func key(for item: JSONValue, keys: [String]) -> PathElement? {
        guard case .object(let members) = item else { return nil }
        var key: [String: JSONValue] = [:]
        for name in keys {
            if let value = members[name], !value.isNull { key[name] = value }
        }
        return .key(JSONSerializer.string(.object(key)))
    }
}

/// A set of field paths as a tree, the in-memory form of `managedFields[].fieldsV1`.
struct FieldSet: Sendable, Equatable {
    /// Whether the path ending at this node is itself in the set.
    var isMember = false
    var children: [PathElement: FieldSet] = [:]

    static let empty = FieldSet()

    var isEmpty: Bool { !isMember && children.isEmpty }

    // MARK: fieldsV1

    init() {}

    init(isMember: Bool) { self.isMember = isMember }

    /// Decodes a `fieldsV1` object (the root is never a member).
    init(fieldsV1: JSONValue) {
        self.init(node: fieldsV1)
        isMember = false
    }

    private init(node: JSONValue) {
        guard case .object(let members) = node else { return }
        if members.isEmpty { isMember = true }
        for (name, child) in members {
            if name == "." {
                isMember = true
            } else if let element = PathElement(encoded: name) {
                let decoded = FieldSet(node: child)
                if !decoded.isEmpty { children[element] = decoded }
            }
        }
    }

    var fieldsV1: JSONValue {
        var members: [String: JSONValue] = [:]
        if isMember && !children.isEmpty { members["."] = .object([:]) }
        for (element, child) in children { members[element.encoded] = child.fieldsV1 }
        return .object(members)
    }

    // MARK: set algebra

    func union(_ other: FieldSet) -> FieldSet {
        var result = self
        result.isMember = isMember || other.isMember
        for (element, child) in other.children {
            if let mine = result.children[element] {
                result.children[element] = mine.union(child)
            } else {
                result.children[element] = child
            }
        }
        return result
    }

    func subtracting(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.isMember = isMember && !other.isMember
        for (element, child) in children {
            if let theirs = other.children[element] {
                let remaining = child.subtracting(theirs)
                if !remaining.isEmpty { result.children[element] = remaining }
            } else {
                result.children[element] = child
            }
        }
        return result
    }

    func intersection(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.isMember = isMember && other.isMember
        for (element, child) in children {
            if let theirs = other.children[element] {
                let common = child.intersection(theirs)
                if !common.isEmpty { result.children[element] = common }
            }
        }
        return result
    }

    /// All member paths, depth first in sorted order.
    func memberPaths(prefix: [PathElement] = []) -> [[PathElement]] {
        var paths: [[PathElement]] = []
        if isMember && !prefix.isEmpty { paths.append(prefix) }
        for element in children.keys.sorted() {
            paths.append(contentsOf: children[element]!.memberPaths(prefix: prefix + [element]))
        }
        return paths
    }

    static func display(_ path: [PathElement]) -> String {
        path.map(\.display).joined()
    }

    /// Drops the given top-level field and metadata sub-fields.
    func removingFields(topLevel: [String], metadata: [String]) -> FieldSet {
        var result = self
        for name in topLevel { result.children.removeValue(forKey: .field(name)) }
        if var metadataNode = result.children[.field("metadata")] {
            for name in metadata { metadataNode.children.removeValue(forKey: .field(name)) }
            if metadataNode.isEmpty {
                result.children.removeValue(forKey: .field("metadata"))
            } else {
                result.children[.field("metadata")] = metadataNode
            }
        }
        return result
    }

    /// Keeps only the given top-level fields.
    func keepingFields(_ names: Set<String>) -> FieldSet {
        var result = FieldSet()
        for (element, child) in children {
            if case .field(let name) = element, names.contains(name) { result.children[element] = child }
        }
        return result
    }

    /// Drops paths that no longer exist in `value` (ownership of vanished fields ends).
    func restricted(to value: JSONValue, cursor: SchemaCursor) -> FieldSet {
        var result = FieldSet()
        result.isMember = isMember
        for (element, child) in children {
            guard let (childValue, childCursor) = FieldSet.descend(value, element, cursor) else { continue }
            let kept = child.restricted(to: childValue, cursor: childCursor)
            if !kept.isEmpty { result.children[element] = kept }
        }
        return result
    }

    /// The value reached by one path element, with the matching schema cursor.
    static func descend(_ value: JSONValue, _ element: PathElement, _ cursor: SchemaCursor) -> (JSONValue, SchemaCursor)? {
        switch element {
        case .field(let name):
            guard case .object(let members) = value, let child = members[name] else { return nil }
            return (child, cursor.child(name))
        case .key:
            guard case .array(let items) = value, case .map(let keys) = cursor.listSemantics else { return nil }
            for item in items where PathElement.key(for: item, keys: keys) == element {
                return (item, cursor.listItem())
            }
            return nil
        case .value(let json):
            guard case .array(let items) = value else { return nil }
            for item in items where JSONSerializer.string(item) == json {
                return (item, cursor.listItem())
            }
            return nil
        case .index(let position):
            guard case .array(let items) = value, position >= 0, position < items.count else { return nil }
            return (items[position], cursor.listItem())
        }
    }
}
