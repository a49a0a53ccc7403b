#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import HostProcess
import HostSecrets
import StageSpec

/// Fetches GitRepository sources with the `git` CLI into a bare cache per URL under the state
/// directory and reads files straight from the object database (no working tree). An unchanged
/// remote costs one `git ls-remote`.
public struct GitSource: Sendable {
    public var cacheDirectory: String
    public var secrets: HostSecretStore
    public var gitExecutable: String
    public var limits: ArtifactLimits

    public init(cacheDirectory: String, secrets: HostSecretStore, gitExecutable: String = "git", limits: ArtifactLimits = ArtifactLimits()) {
        self.cacheDirectory = cacheDirectory
        self.secrets = secrets
        self.gitExecutable = gitExecutable
        self.limits = limits
    }

    /// Resolves the repository's ref to a commit and makes sure that commit is in the cache.
    public func pin(_ repository: GitRepository) async throws(SourceError) -> GitPin {
        let name = Self.describe(repository)
        let session = try await GitSession.open(repository: repository, source: self)
        defer { session.close() }
        let remote = try await session.listRemote(for: repository.spec.reference)
        let pin = try GitPin.select(repository.spec.reference, from: remote, source: name)
        try await CacheRepositoryLock.withLock(session.repositoryPath, source: name, timeout: repository.spec.timeout) { () throws(SourceError) in
            try await session.ensureCommit(pin)
        }
        return pin
    }

    /// Reads the files of the pinned commit (all of them, or those under `directory`), guarded
    /// and capped; fails with `pathNotFound` when the directory holds nothing.
    public func read(_ repository: GitRepository, pin: GitPin, directory: String? = nil) async throws(SourceError) -> SourceArtifact {
        let name = Self.describe(repository)
        let repositoryPath = cachePath(for: repository.spec.url)
        let reader = GitTreeReader(
            git: gitExecutable, repositoryPath: repositoryPath, commit: pin.commit, source: name, limits: limits,
            ignore: repository.spec.ignore, timeout: repository.spec.timeout)
        let (files, skipped) = try await reader.read(directory: directory)
        return SourceArtifact(source: name, revision: pin.revision, files: files, skipped: skipped)
    }

    /// Pins and reads in one step.
    public func fetch(_ repository: GitRepository, directory: String? = nil) async throws(SourceError) -> SourceArtifact {
        let pin = try await pin(repository)
        return try await read(repository, pin: pin, directory: directory)
    }

    static func describe(_ repository: GitRepository) -> String {
        "GitRepository/\(repository.metadata.namespace)/\(repository.metadata.name)"
    }

    /// The bare cache repository for a URL: `<cache>/<readable part>-<hash>`.
    func cachePath(for url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let readable = String(url.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.suffix(40))
        let hex = String(hash, radix: 16)
        return (cacheDirectory.hasSuffix("/") ? cacheDirectory : cacheDirectory + "/") + readable + "-" + hex + ".git"
    }
}

/// One git conversation with a remote: credentials prepared, cache repository initialised.
struct GitSession {
    let repository: GitRepository
    let source: GitSource
    let credentials: GitCredentials
    let repositoryPath: String
    let name: String

    static func open(repository: GitRepository, source: GitSource) async throws(SourceError) -> GitSession {
        let name = GitSource.describe(repository)
        var secret: HostSecret?
        if let reference = repository.spec.secretRef {
            do {
                secret = try source.secrets.secret(named: reference.name)
            } catch {
                throw SourceError(code: .authenticationFailed, source: name, message: error.message)
            }
        }
        let credentials = try GitCredentials.prepare(url: repository.spec.url, secret: secret)
        let session = GitSession(
            repository: repository, source: source, credentials: credentials, repositoryPath: source.cachePath(for: repository.spec.url),
            name: name)
        do throws(SourceError) {
            try await session.initialiseCache()
        } catch {
            credentials.cleanUp()
            throw error
        }
        return session
    }

    func close() {
        credentials.cleanUp()
    }

    private func initialiseCache() async throws(SourceError) {
        if FileManager.default.fileExists(atPath: repositoryPath + "/HEAD") { return }
        do {
            try FileManager.default.createDirectory(atPath: source.cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SourceError(code: .other, source: name, message: "cannot create the Git cache directory \(source.cacheDirectory)")
        }
        let temporary = repositoryPath + ".init-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await git(["init", "--quiet", "--bare", temporary], directory: nil)
        if rename(temporary, repositoryPath) != 0 && !FileManager.default.fileExists(atPath: repositoryPath + "/HEAD") {
            throw SourceError(code: .other, source: name, message: "cannot create the Git cache repository \(repositoryPath)")
        }
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// Runs git; a non-zero exit becomes a classified `SourceError` unless `allowFailure`.
    @discardableResult
    func git(_ arguments: [String], directory: String?, outputLimit: Int = 16 << 20, allowFailure: Bool = false) async throws(SourceError)
        -> ProcessResult
    {
        let request = ProcessRequest(
            executable: source.gitExecutable, arguments: arguments, environment: credentials.environment, workingDirectory: directory,
            timeout: repository.spec.timeout, outputLimit: outputLimit)
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(request)
        } catch let error as ProcessError {
            switch error.code {
            case .executableNotFound:
                throw SourceError(code: .toolMissing, source: name, message: "git is not installed (no \"\(source.gitExecutable)\" in PATH); install the git package")
            case .timedOut:
                throw SourceError(code: .unreachable, source: name, message: "git \(arguments.first ?? "") did not finish within \(GoDuration.format(repository.spec.timeout)) (spec.timeout)")
            default:
                throw SourceError(code: .other, source: name, message: error.message)
            }
        } catch {
            throw SourceError(code: .other, source: name, message: "git failed: \(error)")
        }
        if !result.succeeded && !allowFailure {
            throw GitErrorClassifier.classify(result.standardErrorText(), url: repository.spec.url, source: name)
        }
        return result
    }

    /// `git ls-remote` for the refs the reference can use.
    func listRemote(for reference: GitReference) async throws(SourceError) -> [GitRemoteReference] {
        var patterns: [String]
        switch reference {
        case .branch(let branch): patterns = ["refs/heads/\(branch)"]
        case .tag(let tag): patterns = ["refs/tags/\(tag)", "refs/tags/\(tag)^{}"]
        case .name(let ref): patterns = [ref]
        case .semver: patterns = ["refs/tags/*"]
        case .commit(_, let branch): patterns = branch.map { ["refs/heads/\($0)"] } ?? ["HEAD"]
        }
        let result = try await git(["ls-remote", "--", repository.spec.url] + patterns, directory: repositoryPath)
        return GitRemoteReference.parse(result.standardOutputText)
    }

    func hasCommit(_ commit: String) async throws(SourceError) -> Bool {
        let result = try await git(["cat-file", "-e", "\(commit)^{commit}"], directory: repositoryPath, allowFailure: true)
        return result.succeeded
    }

    /// Fetches the pinned commit unless the cache has it; shallow where the server allows.
    func ensureCommit(_ pin: GitPin) async throws(SourceError) {
        let keepRef = "refs/stageset/\(pin.commit)"
        // The keep-ref is written only after the commit is complete in the cache; while it is a
        // loose ref (until git packs refs), reading it spares two git processes per pass.
        if let recorded = try? String(contentsOfFile: repositoryPath + "/" + keepRef, encoding: .utf8),
            recorded.split(separator: "\n").first.map(String.init) == pin.commit
        {
            return
        }
        if try await hasCommit(pin.commit) {
            try await git(["update-ref", keepRef, pin.commit], directory: repositoryPath)
            return
        }
        let url = repository.spec.url
        if let remoteReference = pin.remoteReference {
            try await git(["fetch", "--quiet", "--no-tags", "--depth=1", "--", url, "+\(remoteReference):refs/stageset/fetch"], directory: repositoryPath)
        }
        var present = try await hasCommit(pin.commit)
        if !present {
            try await git(["fetch", "--quiet", "--no-tags", "--depth=1", "--", url, pin.commit], directory: repositoryPath, allowFailure: true)
            present = try await hasCommit(pin.commit)
        }
        if !present, let remoteReference = pin.remoteReference {
            try await git(["fetch", "--quiet", "--no-tags", "--unshallow", "--", url, "+\(remoteReference):refs/stageset/fetch"], directory: repositoryPath, allowFailure: true)
            present = try await hasCommit(pin.commit)
        }
        if !present {
            try await git(["fetch", "--quiet", "--tags", "--", url, "+refs/heads/*:refs/stageset/heads/*"], directory: repositoryPath, allowFailure: true)
            present = try await hasCommit(pin.commit)
        }
        guard present else {
            throw SourceError(code: .notFound, source: name, message: "commit \(pin.commit) not found in the repository")
        }
        try await git(["update-ref", keepRef, pin.commit], directory: repositoryPath)
    }
}
