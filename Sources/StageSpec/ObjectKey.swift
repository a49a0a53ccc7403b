/// The namespace and name that identify a configuration document of one kind.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// The subset of Kubernetes object metadata a configuration document may carry.
public struct DocumentMetadata: Sendable, Hashable {
    public var name: String
    /// `default` when the document sets none, as `kubectl apply` would.
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(name: String, namespace: String = "default", labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    public var key: ObjectKey { ObjectKey(namespace: namespace, name: name) }
}

/// A reference by name to a host "Secret": a directory of entry files or systemd credentials.
public struct SecretReference: Sendable, Hashable {
    public var name: String

    public init(name: String) {
        self.name = name
    }
}
