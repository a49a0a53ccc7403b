/// The subset of kube-apiserver validation the emulator enforces: names, selectors, and the
/// immutable-field rules, with the real error shapes.
enum ObjectValidation {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"

    static func validate(new object: JSONValue, old: JSONValue?, definition: ResourceDefinition) throws(APIStatusError) {
        let name = object["metadata"]["name"].stringValue ?? ""
        var errors: [FieldError] = []
        if old == nil {
            errors.append(contentsOf: nameErrors(name, definition: definition))
        }
        errors.append(contentsOf: objectErrors(object, definition: definition))
        if let old {
            errors.append(contentsOf: immutableFieldErrors(new: object, old: old, definition: definition))
        }
        if !errors.isEmpty {
            throw APIStatusError.invalid(kind: definition.kind, group: definition.group, name: name, causes: errors)
        }
    }

    private static func nameErrors(_ name: String, definition: ResourceDefinition) -> [FieldError] {
        if name.isEmpty { return [.required("metadata.name", "name or generateName is required")] }
        let rendered = "\"\(name)\""
        switch (definition.group, definition.kind) {
        case ("", "Namespace"):
            if !isLabel(name) { return [.invalid("metadata.name", rendered, labelMessage)] }
        case ("", "Service"):
            if !isDNS1035(name) { return [.invalid("metadata.name", rendered, dns1035Message)] }
        case ("rbac.authorization.k8s.io", _):
            return name.contains("/") || name.contains("%") || name == "." || name == ".." ? [.invalid("metadata.name", rendered, "may not contain '/'")] : []
        default:
            if !isSubdomain(name) { return [.invalid("metadata.name", rendered, subdomainMessage)] }
        }
        return []
    }

    static func isLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }

    static func isDNS1035(_ text: String) -> Bool {
        guard isLabel(text), let first = text.utf8.first else { return false }
        return first >= 0x61 && first <= 0x7A
    }

    static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
    }

    private static func objectErrors(_ object: JSONValue, definition: ResourceDefinition) -> [FieldError] {
        switch (definition.group, definition.kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"):
            var errors: [FieldError] = []
            let selector = object["spec"]["selector"]
            if selector.isNull {
                errors.append(.required("spec.selector"))
            } else if let matchLabels = selector["matchLabels"].objectValue {
                let labels = object["spec"]["template"]["metadata"]["labels"].objectValue ?? [:]
                if !matchLabels.allSatisfy({ labels[$0.key] == $0.value }) {
                    errors.append(.invalid("spec.template.metadata.labels", GoFormat.stringMap(labels), "`selector` does not match template `labels`"))
                }
            }
            if (object["spec"]["template"]["spec"]["containers"].arrayValue ?? []).isEmpty {
                errors.append(.required("spec.template.spec.containers"))
            }
            return errors
        case ("", "Pod"):
            return (object["spec"]["containers"].arrayValue ?? []).isEmpty ? [.required("spec.containers")] : []
        case ("batch", "Job"):
            return (object["spec"]["template"]["spec"]["containers"].arrayValue ?? []).isEmpty ? [.required("spec.template.spec.containers")] : []
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            return object["roleRef"]["name"].stringValue == nil ? [.required("roleRef.name")] : []
        default:
            return []
        }
    }

    private static func immutableFieldErrors(new: JSONValue, old: JSONValue, definition: ResourceDefinition) -> [FieldError] {
        var errors: [FieldError] = []
        let newSpec = new["spec"]
        let oldSpec = old["spec"]
        switch (definition.group, definition.kind) {
        case ("batch", "Job"):
            if newSpec["selector"] != oldSpec["selector"] {
                errors.append(.invalid("spec.selector", GoFormat.labelSelector(newSpec["selector"]), "field is immutable"))
            }
            if newSpec["template"] != oldSpec["template"] {
                errors.append(.invalid("spec.template", "core.PodTemplateSpec" + JSONSerializer.string(newSpec["template"]), "field is immutable"))
            }
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "DaemonSet"):
            if newSpec["selector"] != oldSpec["selector"] {
                errors.append(.invalid("spec.selector", GoFormat.labelSelector(newSpec["selector"]), "field is immutable"))
            }
        case ("apps", "StatefulSet"):
            let mutable = ["replicas", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds", "ordinals"]
            var newRest = newSpec, oldRest = oldSpec
            for field in mutable {
                newRest.removeMember(field)
                oldRest.removeMember(field)
            }
            if newRest != oldRest {
                errors.append(.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
            }
        case ("", "Service"):
            let oldIP = oldSpec["clusterIP"].stringValue ?? ""
            let newIP = newSpec["clusterIP"].stringValue ?? ""
            if !oldIP.isEmpty, !newIP.isEmpty, oldIP != newIP {
                errors.append(.invalid("spec.clusterIPs[0]", GoFormat.stringSlice([newIP]), "may not change once set"))
            }
        case ("", "PersistentVolumeClaim"):
            var newRest = newSpec, oldRest = oldSpec
            newRest["resources"].removeMember("requests")
            oldRest["resources"].removeMember("requests")
            for field in ["volumeAttributesClassName"] {
                newRest.removeMember(field)
                oldRest.removeMember(field)
            }
            if newRest["resources"].isEmptyContainer { newRest.removeMember("resources") }
            if oldRest["resources"].isEmptyContainer { oldRest.removeMember("resources") }
            if newRest != oldRest {
                errors.append(.forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"))
            }
            if let newStorage = Quantity.parse(newSpec["resources"]["requests"]["storage"].stringValue),
               let oldStorage = Quantity.parse(oldSpec["resources"]["requests"]["storage"].stringValue),
               newStorage < oldStorage {
                errors.append(.forbidden("spec.resources.requests.storage", "field can not be less than previous value"))
            }
        case ("", "PersistentVolume"):
            let nonSource: Set<String> = ["capacity", "accessModes", "claimRef", "persistentVolumeReclaimPolicy", "storageClassName",
                                          "mountOptions", "volumeMode", "nodeAffinity", "volumeAttributesClassName"]
            let newSource = (newSpec.objectValue ?? [:]).filter { !nonSource.contains($0.key) }
            let oldSource = (oldSpec.objectValue ?? [:]).filter { !nonSource.contains($0.key) }
            if newSource != oldSource {
                errors.append(.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"))
            }
        case ("", "ConfigMap"), ("", "Secret"):
            if old["immutable"].boolValue == true {
                let message = "field is immutable when `immutable` is set"
                if new["immutable"].boolValue != true { errors.append(.forbidden("immutable", message)) }
                if new["data"] != old["data"] { errors.append(.forbidden("data", message)) }
                if definition.kind == "ConfigMap", new["binaryData"] != old["binaryData"] { errors.append(.forbidden("binaryData", message)) }
            }
            if definition.kind == "Secret", let oldType = old["type"].stringValue, let newType = new["type"].stringValue, oldType != newType {
                errors.append(.invalid("type", "\"\(newType)\"", "field is immutable"))
            }
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            if new["roleRef"] != old["roleRef"] {
                errors.append(.invalid("roleRef", GoFormat.roleRef(new["roleRef"]), "cannot change roleRef"))
            }
        default:
            break
        }
        return errors
    }
}

/// Renders values the way Go's `%#v` prints them in apiserver validation messages.
enum GoFormat {
    static func quoted(_ text: String) -> String { JSONSerializer.string(.string(text)) }

    static func stringMap(_ map: [String: JSONValue]?) -> String {
        guard let map else { return "map[string]string(nil)" }
        let entries = map.keys.sorted().map { "\(quoted($0)):\(quoted(map[$0]?.stringValue ?? JSONSerializer.string(map[$0]!)))" }
        return "map[string]string{" + entries.joined(separator: ", ") + "}"
    }

    static func stringSlice(_ items: [String]?) -> String {
        guard let items else { return "[]string(nil)" }
        return "[]string{" + items.map(quoted).joined(separator: ", ") + "}"
    }

    static func labelSelector(_ selector: JSONValue) -> String {
        if selector.isNull { return "null" }
        let expressions: String
        if let items = selector["matchExpressions"].arrayValue {
            expressions = "[]v1.LabelSelectorRequirement{" + items.map { item in
                "v1.LabelSelectorRequirement{Key:\(quoted(item["key"].stringValue ?? "")), Operator:\(quoted(item["operator"].stringValue ?? "")), Values:\(stringSlice(item["values"].arrayValue?.compactMap(\.stringValue)))}"
            }.joined(separator: ", ") + "}"
        } else {
            expressions = "[]v1.LabelSelectorRequirement(nil)"
        }
        return "v1.LabelSelector{MatchLabels:\(stringMap(selector["matchLabels"].objectValue)), MatchExpressions:\(expressions)}"
    }

    static func roleRef(_ reference: JSONValue) -> String {
        "rbac.RoleRef{APIGroup:\(quoted(reference["apiGroup"].stringValue ?? "")), Kind:\(quoted(reference["kind"].stringValue ?? "")), Name:\(quoted(reference["name"].stringValue ?? ""))}"
    }
}

/// Just enough of `resource.Quantity` to compare storage sizes.
enum Quantity {
    static func parse(_ text: String?) -> Double? {
        guard var text, !text.isEmpty else { return nil }
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("m", 1e-3),
        ]
        var multiplier = 1.0
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            multiplier = factor
            text = String(text.dropLast(suffix.count))
            break
        }
        return Double(text).map { $0 * multiplier }
    }
}
