import Build

/// The order objects of one stage are applied in: definitions that other objects need first
/// (CustomResourceDefinitions, Namespaces, ClusterRoles), then everything else.
enum ApplyPhase: Int, Comparable, CaseIterable {
    case definitions = 0
    case workloads = 1

    static func < (lhs: ApplyPhase, rhs: ApplyPhase) -> Bool { lhs.rawValue < rhs.rawValue }

    static func of(_ object: ManifestObject) -> ApplyPhase {
        switch (object.group, object.kind) {
        case ("apiextensions.k8s.io", "CustomResourceDefinition"), ("", "Namespace"), ("rbac.authorization.k8s.io", "ClusterRole"):
            return .definitions
        default:
            return .workloads
        }
    }

    /// Prune deletes in the reverse order: workloads, then Namespaces, then definitions last.
    static func deletionRank(group: String, kind: String) -> Int {
        switch (group, kind) {
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): return 2
        case ("", "Namespace"): return 1
        default: return 0
        }
    }
}
