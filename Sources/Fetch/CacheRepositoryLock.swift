#if canImport(Glibc)
import Glibc
#endif

/// Serialises the writers of one bare cache repository — StageSets of one agent that share a Git
/// URL, and a `build` or `diff` run beside the daemon — with an exclusive `flock` on
/// `<repository>.lock`. git's own ref and shallow-file locks fail instead of waiting, so two
/// fetches or `update-ref`s of the same commit at once would fail a pass.
enum CacheRepositoryLock {
    static func withLock<Result>(
        _ repositoryPath: String, source: String, timeout: Duration, _ body: () async throws(SourceError) -> Result
    ) async throws(SourceError) -> Result {
        let path = repositoryPath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SourceError(code: .other, source: source, message: "cannot open the Git cache lock \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        // Polled rather than blocking: a blocked flock would hold one of the few cooperative threads.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw SourceError(code: .other, source: source, message: "cannot lock the Git cache \(path): \(String(cString: strerror(errno)))")
            }
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                throw SourceError(code: .transient, source: source,
                    message: "the Git cache \(repositoryPath) stayed locked by another fetch for \(timeout)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
