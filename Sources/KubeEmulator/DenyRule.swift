/// An RBAC-style denial: matching requests get 403 Forbidden with the real apiserver message.
public struct DenyRule: Sendable, Codable, Equatable {
    /// User name to deny, or nil for any user.
    public var user: String?
    /// get, list, create, update, patch, delete, deletecollection, or "*".
    public var verb: String
    /// API group ("" for core), or "*".
    public var group: String
    /// Plural resource, optionally with subresource ("deployments/status"), or "*".
    public var resource: String
    /// Namespace to deny in, or nil for every namespace (and cluster scope).
    public var namespace: String?

    public init(user: String? = nil, verb: String, group: String, resource: String, namespace: String? = nil) {
        self.user = user
        self.verb = verb
        self.group = group
        self.resource = resource
        self.namespace = namespace
    }

    func matches(user requestUser: String, verb requestVerb: String, group requestGroup: String, resource requestResource: String,
                 namespace requestNamespace: String) -> Bool {
        if let user, user != requestUser { return false }
        if verb != "*" && verb != requestVerb { return false }
        if group != "*" && group != requestGroup { return false }
        if resource != "*" && resource != requestResource { return false }
        if let namespace, namespace != requestNamespace { return false }
        return true
    }
}
