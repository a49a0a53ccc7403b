/// How a JSON array at some position merges under server-side apply.
enum ListSemantics: Equatable, Sendable {
    case atomic
    case set
    case map(keys: [String])
}

/// Walks the (partial) schema knowledge the emulator has about an object, in step with the value:
/// a hint table for built-in kinds, the CRD `openAPIV3Schema` for custom resources.
struct SchemaCursor: Sendable {
    private var table: [String: Hint]
    fileprivate var path: String
    private var customNode: JSONValue?
    private var isCustom: Bool
    fileprivate var version = ""

    enum Hint: Sendable, Equatable {
        case list(ListSemantics)
        case atomicMap
    }

    init(definition: ResourceDefinition, version: String) {
        self.table = SchemaHints.table(for: definition.groupKind)
        self.path = ""
        self.isCustom = definition.isCustom
        self.customNode = definition.isCustom ? definition.schemas[version] : nil
        self.version = version
    }

    /// A cursor with no knowledge: every map granular, every list atomic.
    static let schemaless = SchemaCursor(table: [:])

    private init(table: [String: Hint]) {
        self.table = table
        self.path = ""
        self.isCustom = false
        self.customNode = nil
    }

    func child(_ field: String) -> SchemaCursor {
        var next = self
        next.path = path.isEmpty ? field : path + "." + field
        if isCustom {
            if path.isEmpty && field == "metadata" {
                next.isCustom = false
                next.customNode = nil
            } else if let node = customNode {
                if case .object = node["properties"][field] {
                    next.customNode = node["properties"][field]
                } else if case .object = node["additionalProperties"] {
                    next.customNode = node["additionalProperties"]
                } else {
                    next.customNode = nil
                }
            }
        }
        return next
    }

    func listItem() -> SchemaCursor {
        var next = self
        if isCustom, let node = customNode {
            next.customNode = node["items"].isObject ? node["items"] : nil
        }
        return next
    }

    var listSemantics: ListSemantics {
        if isCustom {
            guard let node = customNode else { return .atomic }
            switch node["x-kubernetes-list-type"].stringValue {
            case "map":
                let keys = (node["x-kubernetes-list-map-keys"].arrayValue ?? []).compactMap(\.stringValue)
                return keys.isEmpty ? .atomic : .map(keys: keys)
            case "set": return .set
            default: return .atomic
            }
        }
        if case .list(let semantics) = table[path] { return semantics }
        return .atomic
    }

    var isAtomicMap: Bool {
        if isCustom {
            return customNode?["x-kubernetes-map-type"].stringValue == "atomic"
        }
        return table[path] == .atomicMap
    }

    /// Whether strict field validation can tell that `field` is unknown here (only for custom
    /// resources with a structural schema that does not preserve unknown fields).
    func rejectsUnknownField(_ field: String) -> Bool {
        guard isCustom, let node = customNode else { return false }
        if node["x-kubernetes-preserve-unknown-fields"].boolValue == true { return false }
        if node["additionalProperties"].isObject || node["additionalProperties"].boolValue == true { return false }
        guard let properties = node["properties"].objectValue else { return false }
        if path.isEmpty && (field == "apiVersion" || field == "kind" || field == "metadata") { return false }
        return properties[field] == nil
    }
}

/// Associative-list and atomic-map facts of the built-in kinds (from their Go type markers).
enum SchemaHints {
    private static let podSpecHints: [String: SchemaCursor.Hint] = {
        var hints: [String: SchemaCursor.Hint] = [
            "volumes": .list(.map(keys: ["name"])),
            "imagePullSecrets": .list(.map(keys: ["name"])),
            "hostAliases": .list(.map(keys: ["ip"])),
            "topologySpreadConstraints": .list(.map(keys: ["topologyKey", "whenUnsatisfiable"])),
            "topologySpreadConstraints.labelSelector": .atomicMap,
            "schedulingGates": .list(.map(keys: ["name"])),
            "resourceClaims": .list(.map(keys: ["name"])),
        ]
        for containers in ["containers", "initContainers", "ephemeralContainers"] {
            hints[containers] = .list(.map(keys: ["name"]))
            hints["\(containers).ports"] = .list(.map(keys: ["containerPort", "protocol"]))
            hints["\(containers).env"] = .list(.map(keys: ["name"]))
            hints["\(containers).volumeMounts"] = .list(.map(keys: ["mountPath"]))
            hints["\(containers).volumeDevices"] = .list(.map(keys: ["devicePath"]))
            hints["\(containers).resizePolicy"] = .list(.map(keys: ["resourceName"]))
            hints["\(containers).resources.claims"] = .list(.map(keys: ["name"]))
        }
        return hints
    }()

    private static let metadataHints: [String: SchemaCursor.Hint] = [
        "metadata.ownerReferences": .list(.map(keys: ["uid"])),
        "metadata.finalizers": .list(.set),
    ]

    private static func podSpecPrefix(_ kind: GroupKind) -> String? {
        switch (kind.group, kind.kind) {
        case ("", "Pod"): return "spec"
        case ("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"), ("apps", "ReplicaSet"), ("batch", "Job"):
            return "spec.template.spec"
        case ("batch", "CronJob"): return "spec.jobTemplate.spec.template.spec"
        default: return nil
        }
    }

    private static let tables: [GroupKind: [String: SchemaCursor.Hint]] = {
        var result: [GroupKind: [String: SchemaCursor.Hint]] = [:]
        for definition in BuiltInResources.all {
            let kind = definition.groupKind
            var table = metadataHints
            if let prefix = podSpecPrefix(kind) {
                for (path, hint) in podSpecHints { table["\(prefix).\(path)"] = hint }
            }
            switch (kind.group, kind.kind) {
            case ("apps", _), ("batch", "Job"), ("policy", "PodDisruptionBudget"):
                table["spec.selector"] = .atomicMap
            case ("batch", "CronJob"):
                table["spec.jobTemplate.spec.selector"] = .atomicMap
            case ("", "Service"):
                table["spec.ports"] = .list(.map(keys: ["port", "protocol"]))
                table["spec.selector"] = .atomicMap
            case ("networking.k8s.io", "NetworkPolicy"):
                table["spec.podSelector"] = .atomicMap
            case ("", "PersistentVolumeClaim"):
                table["spec.selector"] = .atomicMap
            case ("", "PersistentVolume"):
                table["spec.claimRef"] = .atomicMap
            case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
                table["roleRef"] = .atomicMap
            default:
                break
            }
            result[kind] = table
        }
        return result
    }()

    static func table(for kind: GroupKind) -> [String: SchemaCursor.Hint] {
        tables[kind] ?? metadataHints
    }

    /// The strategic-merge-patch merge key of a list (the first associative key).
    static func strategicMergeKey(_ semantics: ListSemantics) -> String? {
        if case .map(let keys) = semantics { return keys.first }
        return nil
    }
}

extension SchemaCursor {
    /// Whether the cursor stands at the object root.
    var isRoot: Bool { path.isEmpty }

    /// The API version this cursor was created for (for messages).
    var versionName: String { version }
}
