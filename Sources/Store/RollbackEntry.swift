import Timestamps

/// What a rollback needs to rebuild one stage without the network: the stage's files as
/// fetched (SOPS ciphertext left intact — never decrypted bytes), the pinned revision, the source
/// identity, and the build inputs the stage was built with.
public struct RollbackEntry: Codable, Sendable, Equatable {
    public static let currentFormat = 1

    public var format: Int
    public var stageSet: String
    public var stage: String
    public var revision: String
    /// `GitRepository/ns/name` or `JsonnetSnippet/ns/name`.
    public var source: String
    /// The source URL (Git) or renderer URL (JaaS), to re-fetch when the entry is gone.
    public var sourceURL: String
    public var buildInputs: BuildInputs
    /// RFC 3339 with nanoseconds (fixed width), so entries written within one second still sort
    /// in the order they were made.
    public var createdAt: String
    /// Path → base64 contents.
    public var files: [String: String]

    public init(stageSet: String, stage: String, revision: String, source: String, sourceURL: String, buildInputs: BuildInputs,
        createdAt: String = RFC3339.now(fractionDigits: 9), files: [String: String])
    {
        format = Self.currentFormat
        self.stageSet = stageSet
        self.stage = stage
        self.revision = revision
        self.source = source
        self.sourceURL = sourceURL
        self.buildInputs = buildInputs
        self.createdAt = createdAt
        self.files = files
    }
}

/// Everything besides the files that decides a stage's build.
public struct BuildInputs: Codable, Sendable, Equatable {
    public var path: String
    /// The stage's `patches`, as written.
    public var patches: [String]
    public var agentVersion: String

    public init(path: String, patches: [String], agentVersion: String) {
        self.path = path
        self.patches = patches
        self.agentVersion = agentVersion
    }

    /// Whether a rebuild today would use the same inputs (the agent version may differ).
    public func sameBuild(as other: BuildInputs) -> Bool {
        path == other.path && patches == other.patches
    }
}

/// One entry as the index lists it (no file contents, nothing secret).
public struct RollbackEntrySummary: Codable, Sendable, Equatable {
    public var id: String
    public var stage: String
    public var revision: String
    public var createdAt: String
    /// Size of the encrypted entry on disk.
    public var bytes: Int
}
