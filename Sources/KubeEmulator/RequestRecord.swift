/// One entry of the emulator's ordered request log.
public struct RequestRecord: Sendable, Codable, Equatable {
    public var method: String
    public var path: String
    public var query: String
    /// Kubernetes verb (get, list, create, update, patch, delete, deletecollection, watch) or the
    /// lower-cased HTTP method for non-resource requests.
    public var verb: String
    public var isResourceRequest: Bool
    public var group: String
    public var version: String
    public var resource: String
    public var subresource: String
    public var namespace: String
    public var name: String
    public var fieldManager: String?
    public var dryRun: Bool
    /// apply, merge, strategic, json for PATCH requests.
    public var patchType: String?
    public var user: String?
    public var statusCode: Int
}

/// Counter key: requests per (verb, group, resource).
public struct RequestCounterKey: Sendable, Codable, Hashable, CustomStringConvertible {
    public var verb: String
    public var group: String
    public var resource: String

    public init(verb: String, group: String, resource: String) {
        self.verb = verb
        self.group = group
        self.resource = resource
    }

    public var description: String { "\(verb) \(group.isEmpty ? "core" : group)/\(resource)" }
}
