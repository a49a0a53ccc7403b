/// The built-in kinds the emulator serves, with the discovery facts of kube-apiserver 1.32.
enum BuiltInResources {
    static let all: [ResourceDefinition] = [
        core("Namespace", "namespaces", namespaced: false, short: ["ns"], status: true),
        core("ConfigMap", "configmaps", short: ["cm"]),
        core("Secret", "secrets"),
        core("Service", "services", short: ["svc"], categories: ["all"], status: true),
        core("ServiceAccount", "serviceaccounts", short: ["sa"]),
        core("Endpoints", "endpoints", short: ["ep"]),
        core("Pod", "pods", short: ["po"], categories: ["all"], status: true),
        core("PersistentVolumeClaim", "persistentvolumeclaims", short: ["pvc"], status: true),
        core("PersistentVolume", "persistentvolumes", namespaced: false, short: ["pv"], status: true),
        named("apps", "Deployment", "deployments", short: ["deploy"], categories: ["all"], status: true),
        named("apps", "StatefulSet", "statefulsets", short: ["sts"], categories: ["all"], status: true),
        named("apps", "DaemonSet", "daemonsets", short: ["ds"], categories: ["all"], status: true),
        named("apps", "ReplicaSet", "replicasets", short: ["rs"], categories: ["all"], status: true),
        named("batch", "Job", "jobs", categories: ["all"], status: true),
        named("batch", "CronJob", "cronjobs", short: ["cj"], categories: ["all"], status: true),
        named("rbac.authorization.k8s.io", "Role", "roles"),
        named("rbac.authorization.k8s.io", "RoleBinding", "rolebindings"),
        named("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", namespaced: false),
        named("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", namespaced: false),
        named("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false,
              short: ["crd", "crds"], categories: ["api-extensions"], status: true),
        named("networking.k8s.io", "Ingress", "ingresses", short: ["ing"], status: true),
        named("networking.k8s.io", "NetworkPolicy", "networkpolicies", short: ["netpol"]),
        named("policy", "PodDisruptionBudget", "poddisruptionbudgets", short: ["pdb"], status: true),
    ]

    private static func core(_ kind: String, _ plural: String, namespaced: Bool = true, short: [String] = [],
                             categories: [String] = [], status: Bool = false) -> ResourceDefinition {
        named("", kind, plural, namespaced: namespaced, short: short, categories: categories, status: status)
    }

    private static func named(_ group: String, _ kind: String, _ plural: String, namespaced: Bool = true,
                              short: [String] = [], categories: [String] = [], status: Bool = false) -> ResourceDefinition {
        ResourceDefinition(group: group, versions: ["v1"], kind: kind, plural: plural, singular: kind.lowercased(),
                           namespaced: namespaced, shortNames: short, categories: categories, hasStatus: status)
    }

    /// Group order as kube-apiserver lists it in `/apis`.
    static let groupOrder = ["apps", "batch", "rbac.authorization.k8s.io", "networking.k8s.io", "policy", "apiextensions.k8s.io"]
}
