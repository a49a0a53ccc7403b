import Foundation

/// Identity of an authenticated client (certificate CN/O or a configured token).
struct ClientIdentity: Sendable {
    var user: String
    var groups: [String]
}

struct ObjectName: Hashable, Sendable, Comparable {
    var namespace: String
    var name: String

    static func < (lhs: ObjectName, rhs: ObjectName) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
}

struct ObjectReference: Hashable, Sendable {
    var resource: GroupResource
    var name: ObjectName
}

/// An object as stored: the object without `managedFields`, the decoded entries, and when its
/// spec last changed (the clock of `ready-after`).
struct StoredObject: Sendable {
    var object: JSONValue
    var managedFields: [ManagedFieldsEntry]
    var specChangedAt: Date
}

/// The whole emulated cluster: object storage, served resources, knobs and the request log.
/// Every request is handled under one lock (the emulator favours simplicity over parallelism).
final class EmulatedCluster: @unchecked Sendable {
    let lock = NSLock()
    var objects: [GroupResource: [ObjectName: StoredObject]] = [:]
    var resourceVersion: Int64 = 1000
    var servedCustom: [GroupResource: ResourceDefinition] = [:]
    var pendingEstablishment: [String: Date] = [:]
    var pendingReadiness: [ObjectReference: Date] = [:]
    let allocator = Defaulting.Allocator()
    let builtIns: [GroupResource: ResourceDefinition]

    // Knobs.
    var defaultReadiness: Readiness = .ready
    var crdEstablishDelay: Double = 0
    var denyRules: [DenyRule] = []
    var faults: [FaultRule] = []

    // Observations.
    var requestLog: [RequestRecord] = []
    var counters: [RequestCounterKey: Int] = [:]

    let tokens: [String: String]
    var serverAddress: String = "127.0.0.1:0"

    init(tokens: [String: String]) {
        self.tokens = tokens
        var builtIns: [GroupResource: ResourceDefinition] = [:]
        for definition in BuiltInResources.all { builtIns[definition.groupResource] = definition }
        self.builtIns = builtIns
        let now = Date()
        for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            var object: JSONValue = .object([
                "apiVersion": .string("v1"), "kind": .string("Namespace"),
                "metadata": .object(["name": .string(namespace), "uid": .string(UUID().uuidString.lowercased()),
                                     "creationTimestamp": .string(Timestamps.string(now)), "resourceVersion": .string("1")]),
                "status": .object(["phase": .string("Active")]),
            ])
            Defaulting.apply(to: &object, old: nil, definition: builtIns[GroupResource(group: "", resource: "namespaces")]!, allocator: allocator)
            objects[GroupResource(group: "", resource: "namespaces"), default: [:]][ObjectName(namespace: "", name: namespace)] =
                StoredObject(object: object, managedFields: [], specChangedAt: now)
        }
    }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Built-in or served custom resource for (group, version, plural).
    func definition(group: String, version: String, resource: String) -> ResourceDefinition? {
        let key = GroupResource(group: group, resource: resource)
        if let builtIn = builtIns[key], builtIn.versions.contains(version) { return builtIn }
        if let custom = servedCustom[key], custom.versions.contains(version) { return custom }
        return nil
    }

    /// All served definitions (built-in first, then custom sorted by group and name).
    var allDefinitions: [ResourceDefinition] {
        BuiltInResources.all + servedCustom.values.sorted { $0.groupResource < $1.groupResource }
    }

    func nextResourceVersion() -> Int64 {
        resourceVersion += 1
        return resourceVersion
    }
}

enum Timestamps {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
