/// A JaaS `JsonnetSnippet` (`jaas.metio.wtf/v1`), rendered by calling a JaaS HTTP renderer.
public struct JsonnetSnippet: Sendable, Hashable {
    public static let kind = "JsonnetSnippet"
    public static let defaultInterval: Duration = .seconds(300)
    public static let defaultTimeout: Duration = .seconds(60)

    public var metadata: DocumentMetadata
    public var spec: JsonnetSnippetSpec
    public var origin: DocumentOrigin

    public init(metadata: DocumentMetadata, spec: JsonnetSnippetSpec, origin: DocumentOrigin) {
        self.metadata = metadata
        self.spec = spec
        self.origin = origin
    }

    public var key: ObjectKey { metadata.key }
}

public struct JsonnetSnippetSpec: Sendable, Hashable {
    public var renderer: JsonnetRenderer
    /// Top-level arguments, in the order written; a name given several values becomes a
    /// repeated query parameter (the renderer binds it as a JSON array).
    public var topLevelArguments: [TopLevelArgument]
    public var interval: Duration
    public var timeout: Duration

    public init(
        renderer: JsonnetRenderer, topLevelArguments: [TopLevelArgument] = [],
        interval: Duration = JsonnetSnippet.defaultInterval, timeout: Duration = JsonnetSnippet.defaultTimeout
    ) {
        self.renderer = renderer
        self.topLevelArguments = topLevelArguments
        self.interval = interval
        self.timeout = timeout
    }
}

/// Host adaptation: where the JaaS renderer listens and which snippet to ask for.
public struct JsonnetRenderer: Sendable, Hashable {
    /// The renderer's Jsonnet endpoint, e.g. `http://jaas.internal:8080/jsonnet`.
    public var url: String
    public var snippet: String
    /// Entries `bearerToken` and `ca.crt`.
    public var secretRef: SecretReference?

    public init(url: String, snippet: String, secretRef: SecretReference? = nil) {
        self.url = url
        self.snippet = snippet
        self.secretRef = secretRef
    }
}

public struct TopLevelArgument: Sendable, Hashable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}
