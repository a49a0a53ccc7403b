/// Everything the configuration directory declares: StageSets and the sources their stages read.
public struct Configuration: Sendable, Hashable {
    public var stageSets: [StageSet]
    public var gitRepositories: [ObjectKey: GitRepository]
    public var jsonnetSnippets: [ObjectKey: JsonnetSnippet]

    public init(stageSets: [StageSet], gitRepositories: [ObjectKey: GitRepository] = [:], jsonnetSnippets: [ObjectKey: JsonnetSnippet] = [:]) {
        self.stageSets = stageSets
        self.gitRepositories = gitRepositories
        self.jsonnetSnippets = jsonnetSnippets
    }

    /// The source document a stage reads; validation guarantees it exists.
    public func source(of stage: Stage) -> Source? {
        switch stage.sourceRef.kind {
        case .gitRepository: return gitRepositories[stage.sourceRef.key].map(Source.git)
        case .jsonnetSnippet: return jsonnetSnippets[stage.sourceRef.key].map(Source.jsonnet)
        }
    }

    /// StageSets whose name is `name` (any namespace), or every StageSet when `name` is nil.
    public func stageSets(named name: String?) -> [StageSet] {
        guard let name else { return stageSets }
        if let slash = name.firstIndex(of: "/") {
            let key = ObjectKey(namespace: String(name[..<slash]), name: String(name[name.index(after: slash)...]))
            return stageSets.filter { $0.key == key }
        }
        return stageSets.filter { $0.metadata.name == name }
    }
}

/// A resolved stage source.
public enum Source: Sendable, Hashable {
    case git(GitRepository)
    case jsonnet(JsonnetSnippet)

    public var key: ObjectKey {
        switch self {
        case .git(let repository): return repository.key
        case .jsonnet(let snippet): return snippet.key
        }
    }

    public var interval: Duration {
        switch self {
        case .git(let repository): return repository.spec.interval
        case .jsonnet(let snippet): return snippet.spec.interval
        }
    }
}
