/// A served resource type: the REST mapping facts discovery publishes for it.
struct ResourceDefinition: Sendable {
    var group: String
    /// Served versions, preferred (storage) version first.
    var versions: [String]
    var kind: String
    var plural: String
    var singular: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    var hasStatus: Bool = false
    /// For custom resources: openAPIV3Schema per served version (drives list types and strict validation).
    var schemas: [String: JSONValue] = [:]
    var isCustom: Bool = false

    var preferredVersion: String { versions[0] }
    var listKind: String { kind + "List" }
    var groupKind: GroupKind { GroupKind(group: group, kind: kind) }
    var groupResource: GroupResource { GroupResource(group: group, resource: plural) }

    func apiVersion(_ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }

    static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update"]
}

struct GroupKind: Hashable, Sendable {
    var group: String
    var kind: String
}

struct GroupResource: Hashable, Sendable, Comparable {
    var group: String
    var resource: String

    static func < (lhs: GroupResource, rhs: GroupResource) -> Bool {
        (lhs.group, lhs.resource) < (rhs.group, rhs.resource)
    }
}
