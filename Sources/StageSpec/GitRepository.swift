/// A Flux `GitRepository` (`source.toolkit.fluxcd.io/v1`) that the agent fetches itself.
public struct GitRepository: Sendable, Hashable {
    public static let kind = "GitRepository"
    public static let defaultTimeout: Duration = .seconds(60)

    public var metadata: DocumentMetadata
    public var spec: GitRepositorySpec
    public var origin: DocumentOrigin

    public init(metadata: DocumentMetadata, spec: GitRepositorySpec, origin: DocumentOrigin) {
        self.metadata = metadata
        self.spec = spec
        self.origin = origin
    }

    public var key: ObjectKey { metadata.key }
}

public struct GitRepositorySpec: Sendable, Hashable {
    public var url: String
    public var reference: GitReference
    public var interval: Duration
    public var timeout: Duration
    /// Credentials: `username`+`password`, `bearerToken`, `identity`+`known_hosts`, `ca.crt`.
    public var secretRef: SecretReference?
    /// gitignore-style patterns of files to leave out, on top of the defaults.
    public var ignore: String?

    public init(
        url: String, reference: GitReference = .branch("master"), interval: Duration,
        timeout: Duration = GitRepository.defaultTimeout, secretRef: SecretReference? = nil, ignore: String? = nil
    ) {
        self.url = url
        self.reference = reference
        self.interval = interval
        self.timeout = timeout
        self.secretRef = secretRef
        self.ignore = ignore
    }
}

/// The ref to check out, after Flux's precedence: commit > name > semver > tag > branch.
public enum GitReference: Sendable, Hashable, CustomStringConvertible {
    /// A commit SHA; with a branch set too, the branch is fetched and the commit must be on it.
    case commit(String, branch: String?)
    /// A full ref name such as `refs/heads/main`, `refs/tags/v1`, `refs/pull/42/head`.
    case name(String)
    /// The highest tag matching a semver range such as `>=1.0.0 <2.0.0` or `1.2.x`.
    case semver(String)
    case tag(String)
    case branch(String)

    public var description: String {
        switch self {
        case .commit(let commit, let branch):
            return branch.map { "commit \(commit) on branch \($0)" } ?? "commit \(commit)"
        case .name(let name): return "ref \(name)"
        case .semver(let range): return "semver \(range)"
        case .tag(let tag): return "tag \(tag)"
        case .branch(let branch): return "branch \(branch)"
        }
    }
}
