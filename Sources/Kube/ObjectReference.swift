import JSON

/// Identifies one Kubernetes object: apiVersion, kind, namespace (nil for cluster-scoped objects or
/// "use the client's default namespace") and name. Prints as `Kind/namespace/name`.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(apiVersion: String, kind: String, namespace: String? = nil, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
    }

    /// Reads `apiVersion`, `kind`, `metadata.namespace` and `metadata.name` of a manifest.
    public init(object: JSONObject) throws(KubeError) {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            throw KubeError(.invalidObject, "object \(Self.describe(object)) has no apiVersion")
        }
        guard let kind = object["kind"]?.stringValue, !kind.isEmpty else {
            throw KubeError(.invalidObject, "object \(Self.describe(object)) has no kind")
        }
        let metadata = object["metadata"]?.objectValue
        guard let name = metadata?["name"]?.stringValue, !name.isEmpty else {
            throw KubeError(.invalidObject, "\(kind) object has no metadata.name (generateName is not supported here)")
        }
        self.init(apiVersion: apiVersion, kind: kind, namespace: metadata?["namespace"]?.stringValue, name: name)
    }

    /// The API group (empty for the core group).
    public var group: String { Self.split(apiVersion).group }
    /// The version within the group.
    public var version: String { Self.split(apiVersion).version }

    public var description: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }

    /// Splits `group/version` (or a bare core `version`).
    static func split(_ apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }

    private static func describe(_ object: JSONObject) -> String {
        let metadata = object["metadata"]?.objectValue
        let name = metadata?["name"]?.stringValue ?? "<unnamed>"
        return (object["kind"]?.stringValue).map { "\($0)/\(name)" } ?? name
    }
}
