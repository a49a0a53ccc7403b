/// What each stage of a StageSet has applied: the only record prune trusts. Written to disk
/// before a stage is waited on, so a crash never forgets an applied object.
public struct Inventory: Codable, Sendable, Equatable {
    public var stages: [StageInventory]

    public init(stages: [StageInventory] = []) {
        self.stages = stages
    }

    public func stage(_ name: String) -> StageInventory? { stages.first { $0.name == name } }

    public mutating func setStage(_ stage: StageInventory) {
        stages.removeAll { $0.name == stage.name }
        stages.append(stage)
        stages.sort { $0.position < $1.position }
    }

    public mutating func removeStage(_ name: String) {
        stages.removeAll { $0.name == name }
    }
}

public struct StageInventory: Codable, Sendable, Equatable {
    public var name: String
    /// The stage's index in the StageSet when it was recorded; removed stages are torn down
    /// in descending position.
    public var position: Int
    /// The stage's `prune` setting when it was recorded, honoured after the stage is removed.
    public var prune: Bool
    public var entries: [InventoryEntry]

    public init(name: String, position: Int, prune: Bool = true, entries: [InventoryEntry]) {
        self.name = name
        self.position = position
        self.prune = prune
        self.entries = entries
    }
}

/// One applied object: `namespace_name_group_kind` (Flux's inventory key), its apiVersion, and a
/// digest of the object as last applied (lets a pass skip unchanged objects).
public struct InventoryEntry: Codable, Sendable, Hashable {
    public var id: String
    public var v: String
    public var digest: String?

    public init(id: String, v: String, digest: String? = nil) {
        self.id = id
        self.v = v
        self.digest = digest
    }

    public init(namespace: String?, name: String, group: String, kind: String, apiVersion: String, digest: String? = nil) {
        self.init(id: ObjectIdentity(namespace: namespace ?? "", name: name, group: group, kind: kind).id, v: apiVersion, digest: digest)
    }

    public var identity: ObjectIdentity? { ObjectIdentity(id: id) }
}

/// An object's identity independent of API version: namespace (empty for cluster-scoped),
/// name, group and kind.
public struct ObjectIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var group: String
    public var kind: String

    public init(namespace: String, name: String, group: String, kind: String) {
        self.namespace = namespace
        self.name = name
        self.group = group
        self.kind = kind
    }

    /// Parses `namespace_name_group_kind`; names never contain `_`, so the split is exact.
    public init?(id: String) {
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[1].isEmpty, !parts[3].isEmpty else { return nil }
        self.init(namespace: String(parts[0]), name: String(parts[1]), group: String(parts[2]), kind: String(parts[3]))
    }

    public var id: String { "\(namespace)_\(name)_\(group)_\(kind)" }

    public var description: String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)"
    }

    public static func < (lhs: ObjectIdentity, rhs: ObjectIdentity) -> Bool { lhs.id < rhs.id }
}
