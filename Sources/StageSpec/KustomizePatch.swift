/// `stages[].patches[]`: Flux's kustomize `Patch`, a strategic-merge or JSON6902 patch applied by
/// kustomize while the stage is built, optionally limited to the objects `target` selects.
public struct KustomizePatch: Sendable, Hashable {
    /// The patch document(s) as written: YAML or JSON text.
    public var patch: String
    public var target: PatchSelector?

    public init(patch: String, target: PatchSelector? = nil) {
        self.patch = patch
        self.target = target
    }
}

/// Flux's kustomize `Selector`: which objects a patch applies to. Unset fields match anything;
/// `name` and `namespace` are regular expressions in kustomize; the two selectors use the
/// Kubernetes label-selector syntax (`app=web,tier in (a,b),!legacy`).
public struct PatchSelector: Sendable, Hashable {
    public var group: String?
    public var version: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var labelSelector: String?
    public var annotationSelector: String?

    public init(
        group: String? = nil, version: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil,
        labelSelector: String? = nil, annotationSelector: String? = nil
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.annotationSelector = annotationSelector
    }

    /// The fields in the order kustomize documents them, with their names, for generated files.
    public var fields: [(name: String, value: String)] {
        var result: [(String, String)] = []
        for (name, value) in [
            ("group", group), ("version", version), ("kind", kind), ("name", name), ("namespace", namespace),
            ("labelSelector", labelSelector), ("annotationSelector", annotationSelector),
        ] {
            if let value { result.append((name, value)) }
        }
        return result
    }
}
