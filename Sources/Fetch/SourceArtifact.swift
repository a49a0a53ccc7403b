import StageSpec

/// A source pinned to one revision, with the files a stage reads from it.
public struct SourceArtifact: Sendable {
    /// The source document (`GitRepository/payments/config`).
    public var source: String
    /// Flux-style revision: `main@sha1:<40 hex>`, `v1.2.3@sha1:…`, `sha256:<64 hex>` for a JaaS body.
    public var revision: String
    public var files: FileMap
    /// Entries left out by the guard (dot-files, odd names, submodules), for the log.
    public var skipped: [SkippedEntry]

    public init(source: String, revision: String, files: FileMap, skipped: [SkippedEntry] = []) {
        self.source = source
        self.revision = revision
        self.files = files
        self.skipped = skipped
    }
}

/// A file the artifact guard left out, and why.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

/// Why a source could not be resolved, fetched or read. `code` decides the StageSet reason.
public struct SourceError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The `git` executable is missing.
        case toolMissing
        /// The server could not be reached (DNS, connection, TLS, timeout).
        case unreachable
        case authenticationFailed
        /// The repository, branch, tag, semver match or commit does not exist.
        case notFound
        /// The stage path is not in the source.
        case pathNotFound
        /// A file or the whole artifact is over its byte cap.
        case tooLarge
        /// A symlink leaves the repository, or an entry cannot be read safely.
        case unsafeContent
        /// The renderer answered that evaluation failed (a content error, not transient).
        case renderFailed
        /// The server is busy or timed out on its side; retry later.
        case transient
        case other
    }

    public var code: Code
    public var source: String
    public var message: String

    public init(code: Code, source: String, message: String) {
        self.code = code
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
