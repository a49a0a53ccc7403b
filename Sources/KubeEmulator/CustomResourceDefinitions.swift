/// Turns CustomResourceDefinition objects into served resource definitions and status.
enum CustomResourceDefinitions {
    static func validate(_ crd: JSONValue) throws(APIStatusError) {
        let name = crd["metadata"]["name"].stringValue ?? ""
        let spec = crd["spec"]
        var errors: [FieldError] = []
        let group = spec["group"].stringValue ?? ""
        let plural = spec["names"]["plural"].stringValue ?? ""
        if group.isEmpty { errors.append(.required("spec.group")) }
        if plural.isEmpty { errors.append(.required("spec.names.plural")) }
        if (spec["names"]["kind"].stringValue ?? "").isEmpty { errors.append(.required("spec.names.kind")) }
        if !["Namespaced", "Cluster"].contains(spec["scope"].stringValue ?? "") {
            errors.append(FieldError(kind: .notSupported, field: "spec.scope", detail: "supported values: \"Cluster\", \"Namespaced\"",
                                     renderedValue: "\"\(spec["scope"].stringValue ?? "")\""))
        }
        let versions = spec["versions"].arrayValue ?? []
        if versions.isEmpty { errors.append(.required("spec.versions", "must have exactly one version marked as storage version")) }
        if versions.filter({ $0["storage"].boolValue == true }).count != 1, !versions.isEmpty {
            errors.append(.invalid("spec.versions", GoFormat.stringSlice(versions.compactMap { $0["name"].stringValue }),
                                   "must have exactly one version marked as storage version"))
        }
        if !plural.isEmpty, !group.isEmpty, name != "\(plural).\(group)" {
            errors.append(.invalid("metadata.name", "\"\(name)\"", "must be spec.names.plural+\".\"+spec.group"))
        }
        if !errors.isEmpty {
            throw APIStatusError.invalid(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, causes: errors)
        }
    }

    static func definition(from crd: JSONValue) -> ResourceDefinition? {
        let spec = crd["spec"]
        guard let group = spec["group"].stringValue, let kind = spec["names"]["kind"].stringValue,
              let plural = spec["names"]["plural"].stringValue else { return nil }
        let served = (spec["versions"].arrayValue ?? []).filter { $0["served"].boolValue != false }
        let names = served.compactMap { $0["name"].stringValue }.sorted(by: versionPriority)
        guard !names.isEmpty else { return nil }
        var schemas: [String: JSONValue] = [:]
        var hasStatus = false
        for version in served {
            guard let name = version["name"].stringValue else { continue }
            schemas[name] = version["schema"]["openAPIV3Schema"]
            if !version["subresources"]["status"].isNull { hasStatus = true }
        }
        return ResourceDefinition(
            group: group, versions: names, kind: kind, plural: plural,
            singular: spec["names"]["singular"].stringValue ?? kind.lowercased(),
            namespaced: spec["scope"].stringValue != "Cluster",
            shortNames: (spec["names"]["shortNames"].arrayValue ?? []).compactMap(\.stringValue),
            categories: (spec["names"]["categories"].arrayValue ?? []).compactMap(\.stringValue),
            hasStatus: hasStatus, schemas: schemas, isCustom: true)
    }

    /// Status with NamesAccepted and Established (or Established=False while installing).
    static func status(for crd: JSONValue, established: Bool, namesAccepted: Bool, now: String) -> JSONValue {
        let names = crd["spec"]["names"]
        var accepted = names
        if accepted["singular"].isNull { accepted["singular"] = .string((names["kind"].stringValue ?? "").lowercased()) }
        if accepted["listKind"].isNull { accepted["listKind"] = .string((names["kind"].stringValue ?? "") + "List") }
        let storage = (crd["spec"]["versions"].arrayValue ?? []).first { $0["storage"].boolValue == true }?["name"] ?? .null
        func condition(_ type: String, _ status: Bool, _ reason: String, _ message: String) -> JSONValue {
            .object(["type": .string(type), "status": .string(status ? "True" : "False"), "reason": .string(reason),
                     "message": .string(message), "lastTransitionTime": .string(now)])
        }
        return .object([
            "acceptedNames": namesAccepted ? accepted : .object([:]),
            "storedVersions": .array(storage.isNull ? [] : [storage]),
            "conditions": .array([
                namesAccepted ? condition("NamesAccepted", true, "NoConflicts", "no conflicts found")
                              : condition("NamesAccepted", false, "NameConflict", "names rejected by the emulator's readiness annotation"),
                established ? condition("Established", true, "InitialNamesAccepted", "the initial names have been accepted")
                            : condition("Established", false, "Installing", "the initial names have not been accepted yet"),
            ]),
        ])
    }

    /// Kubernetes version priority: GA > beta > alpha, higher numbers first, then others alphabetically.
    static func versionPriority(_ lhs: String, _ rhs: String) -> Bool {
        func rank(_ version: String) -> (Int, Int, Int, String) {
            let bytes = Array(version)
            guard bytes.first == "v" else { return (3, 0, 0, version) }
            let rest = version.dropFirst()
            let major = rest.prefix { $0.isNumber }
            guard let majorNumber = Int(major) else { return (3, 0, 0, version) }
            let tail = rest.dropFirst(major.count)
            if tail.isEmpty { return (0, -majorNumber, 0, version) }
            for (stage, prefix) in [(1, "beta"), (2, "alpha")] where tail.hasPrefix(prefix) {
                if let minor = Int(tail.dropFirst(prefix.count)) { return (stage, -majorNumber, -minor, version) }
            }
            return (3, 0, 0, version)
        }
        return rank(lhs) < rank(rhs)
    }
}
