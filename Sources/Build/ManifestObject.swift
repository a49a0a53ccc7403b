import JSON

/// One Kubernetes object produced by a stage's build, with where it came from.
public struct ManifestObject: Sendable, Hashable {
    public var value: JSONObject
    /// The file (relative to the source root) and 0-based document index it was read from.
    public var file: String
    public var documentIndex: Int

    public init(value: JSONObject, file: String, documentIndex: Int) {
        self.value = value
        self.file = file
        self.documentIndex = documentIndex
    }

    public var apiVersion: String { value["apiVersion"]?.stringValue ?? "" }
    public var kind: String { value["kind"]?.stringValue ?? "" }
    public var metadata: JSONObject { value["metadata"]?.objectValue ?? JSONObject() }
    public var name: String { metadata["name"]?.stringValue ?? "" }
    public var namespace: String? { metadata["namespace"]?.stringValue }

    /// The API group (empty for the core group).
    public var group: String {
        let parts = apiVersion.split(separator: "/")
        return parts.count == 2 ? String(parts[0]) : ""
    }

    /// `Kind/namespace/name` or `Kind/name`, for messages.
    public var displayName: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }

    /// Sets a label, creating `metadata.labels` when needed.
    public mutating func setLabel(_ key: String, _ label: String) {
        value.set(.string(label), at: ["metadata", "labels", key])
    }

    public mutating func setNamespace(_ namespace: String) {
        value.set(.string(namespace), at: ["metadata", "namespace"])
    }

    public func annotation(_ key: String) -> String? {
        metadata["annotations"]?.objectValue?[key]?.stringValue
    }

    public func label(_ key: String) -> String? {
        metadata["labels"]?.objectValue?[key]?.stringValue
    }
}
