/// How stage builds run kustomize; the defaults suit the agent, tests narrow them.
public struct BuildOptions: Sendable {
    /// Directories searched for `kustomize`, then `kubectl`, `:`-separated; the process `PATH` by default.
    public var searchPath: String
    /// Where the private build directory is created; tmpfs first by default (see `PrivateTemporaryDirectory`).
    public var temporaryParent: String?
    /// How long one kustomize run may take.
    public var kustomizeTimeout: Duration
    /// Largest kustomize output accepted; more fails the build rather than truncating it.
    public var maximumOutputBytes: Int

    public init(
        searchPath: String = KustomizeExecutable.defaultSearchPath, temporaryParent: String? = nil,
        kustomizeTimeout: Duration = .seconds(300), maximumOutputBytes: Int = 256 << 20
    ) {
        self.searchPath = searchPath
        self.temporaryParent = temporaryParent
        self.kustomizeTimeout = kustomizeTimeout
        self.maximumOutputBytes = maximumOutputBytes
    }
}
