import JSON

extension FieldReader {
    /// Reads `metadata`: a valid `name`, an optional `namespace` (default `default`), labels and annotations.
    func metadata() -> DocumentMetadata? {
        guard let metadata = object("metadata", required: true) else { return nil }
        let name = metadata.string("name", required: true)
        if let name, !KubernetesNames.isSubdomain(name) {
            metadata.report(.invalidValue, at: metadata.path.child("name"),
                "invalid name \"\(name)\": use lower-case letters, digits, '-' and '.' (RFC 1123)")
        }
        let namespace = metadata.string("namespace") ?? "default"
        if !KubernetesNames.isLabel(namespace) {
            metadata.report(.invalidValue, at: metadata.path.child("namespace"),
                "invalid namespace \"\(namespace)\": use lower-case letters, digits and '-' (RFC 1123 label)")
        }
        let labels = metadata.stringMap("labels")
        let annotations = metadata.stringMap("annotations")
        metadata.rejectUnknownFields()
        guard let name else { return nil }
        return DocumentMetadata(name: name, namespace: namespace, labels: labels, annotations: annotations)
    }

    func stringMap(_ key: String) -> [String: String] {
        guard let map = object(key) else { return [:] }
        var result: [String: String] = [:]
        for (entry, value) in map.object {
            _ = map.value(entry)
            guard case .string(let text) = value else {
                map.report(.invalidValue, at: map.path.child(entry), "must be a string, not \(value.typeName)")
                continue
            }
            result[entry] = text
        }
        return result
    }

    func secretReference(_ key: String) -> SecretReference? {
        guard let reference = object(key) else { return nil }
        let name = reference.string("name", required: true)
        if let name, !KubernetesNames.isSubdomain(name) {
            reference.report(.invalidValue, at: reference.path.child("name"), "invalid Secret name \"\(name)\"")
        }
        reference.rejectUnknownFields()
        return name.map(SecretReference.init(name:))
    }
}
