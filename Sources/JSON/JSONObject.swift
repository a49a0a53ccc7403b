/// An ordered JSON object: members keep insertion (document) order, lookups are by key.
/// Equality ignores member order, as JSON semantics do.
public struct JSONObject: Sendable, Hashable, Sequence {
    public typealias Member = (key: String, value: JSONValue)

    /// Members in order. Small objects (most Kubernetes objects' maps) are searched linearly;
    /// larger ones get a key → position index, so building and reading stay cheap at both sizes.
    private var members: [Member] = []
    private var positions: [String: Int]?
    private static let indexThreshold = 12

    public init() {}

    public init(_ members: some Sequence<(String, JSONValue)>) {
        for (key, value) in members {
            self[key] = value
        }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    /// Sets the value at a path of keys below this object, creating (or replacing non-object)
    /// intermediate members; nested objects are changed in place, not copied.
    public mutating func set(_ value: JSONValue, at path: ArraySlice<String>) {
        guard let first = path.first else { return }
        guard path.count > 1 else {
            self[first] = value
            return
        }
        var child = self[first]?.objectValue ?? JSONObject()
        self[first] = .null  // keeps the key's place; `child` is now its only reference
        child.set(value, at: path.dropFirst())
        self[first] = .object(child)
    }

    /// Sets `value` for `key` (appended when new, in place when not) with one lookup; returns the
    /// value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let position = position(of: key) {
            let old = members[position].value
            members[position].value = value
            return old
        }
        members.append((key, value))
        if positions != nil {
            positions?[key] = members.count - 1
        } else if members.count > Self.indexThreshold {
            positions = Dictionary(uniqueKeysWithValues: members.indices.map { (members[$0].key, $0) })
        }
        return nil
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        let old = members.remove(at: position).value
        positions = members.count > Self.indexThreshold
            ? Dictionary(uniqueKeysWithValues: members.indices.map { (members[$0].key, $0) }) : nil
        return old
    }

    /// Members sorted by key, for canonical output.
    public var sortedMembers: [Member] {
        members.sorted { $0.key < $1.key }
    }

    public func makeIterator() -> IndexingIterator<[Member]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Order-independent, like `==`: the sum of the members' own hashes.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined &+= memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }
}
