import JSON

/// Options of one server-side apply.
public struct ApplyOptions: Sendable {
    /// `dryRun=All`: the server computes the result (defaults, admission, conflicts) and stores nothing.
    public var dryRun: Bool
    /// `force=true`: take over fields other managers own instead of failing with a 409 conflict.
    public var force: Bool
    /// Overrides the client's field manager for this request.
    public var fieldManager: String?
    public var fieldValidation: FieldValidation

    public init(dryRun: Bool = false, force: Bool = true, fieldManager: String? = nil, fieldValidation: FieldValidation = .strict) {
        self.dryRun = dryRun
        self.force = force
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
    }
}

/// The `fieldValidation` query parameter: what the server does with unknown or duplicate fields.
public enum FieldValidation: String, Sendable {
    case strict = "Strict"
    case warn = "Warn"
    case ignore = "Ignore"
}

/// What a server-side apply returned.
public struct ApplyResult: Sendable {
    /// The live object after the apply (or the would-be object of a dry run).
    public var object: JSONObject
    /// Whether the apply created the object (HTTP 201).
    public var created: Bool
    /// `Warning` headers (deprecations, unknown fields under `Warn`).
    public var warnings: [String]
}

/// Where a list looks.
public enum ListScope: Sendable, Hashable {
    /// Every namespace (or the cluster scope for cluster-scoped kinds).
    case allNamespaces
    /// One namespace (ignored for cluster-scoped kinds).
    case namespace(String)
}

/// What happens to an object's dependents when it is deleted.
public enum DeletePropagation: String, Sendable {
    /// Delete now; the garbage collector removes dependents afterwards.
    case background = "Background"
    /// Keep the object (with a `foregroundDeletion` finalizer) until its dependents are gone.
    case foreground = "Foreground"
    /// Delete the object and leave its dependents without the owner reference.
    case orphan = "Orphan"
}
