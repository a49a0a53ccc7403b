/// An ordered JSON object: members keep insertion (document) order, lookups are by key.
/// Equality ignores member order, as JSON semantics do.
public struct JSONObject: Sendable, Hashable, Sequence {
    public typealias Member = (key: String, value: JSONValue)

    private var keyOrder: [String] = []
    private var values: [String: JSONValue] = [:]

    public init() {}

    public init(_ members: some Sequence<(String, JSONValue)>) {
        for (key, value) in members {
            self[key] = value
        }
    }

    public var count: Int { keyOrder.count }
    public var isEmpty: Bool { keyOrder.isEmpty }
    public var keys: [String] { keyOrder }

    public subscript(key: String) -> JSONValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil {
                    keyOrder.append(key)
                }
            } else if values.removeValue(forKey: key) != nil {
                keyOrder.removeAll { $0 == key }
            }
        }
    }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        let old = values[key]
        self[key] = nil
        return old
    }

    /// Members sorted by key, for canonical output.
    public var sortedMembers: [Member] {
        keyOrder.sorted().map { ($0, values[$0]!) }
    }

    public func makeIterator() -> AnyIterator<Member> {
        var index = 0
        let order = keyOrder
        let values = values
        return AnyIterator {
            guard index < order.count else { return nil }
            defer { index += 1 }
            let key = order[index]
            return (key, values[key]!)
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(values)
    }
}
