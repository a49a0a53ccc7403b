/// Holds the latest discovery snapshot and refreshes it on demand, one fetch at a time: concurrent
/// callers that miss join the fetch already running instead of starting their own.
actor DiscoveryCache {
    typealias Fetch = @Sendable () async -> Result<DiscoverySnapshot, KubeError>

    private let fetch: Fetch
    private var snapshot: DiscoverySnapshot?
    private var generation: UInt64 = 0
    private var refreshing: Task<Result<(DiscoverySnapshot, UInt64), KubeError>, Never>?

    init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    /// The cached snapshot (fetched if there is none) and its generation.
    func current() async throws(KubeError) -> (DiscoverySnapshot, UInt64) {
        if let snapshot { return (snapshot, generation) }
        return try await refresh(unlessNewerThan: generation)
    }

    /// Fetches a new snapshot unless one newer than `seen` already exists.
    func refresh(unlessNewerThan seen: UInt64) async throws(KubeError) -> (DiscoverySnapshot, UInt64) {
        if generation != seen, let snapshot { return (snapshot, generation) }
        if let refreshing { return try await refreshing.value.get() }
        let task = Task { [fetch] in
            let result = await fetch()
            return self.store(result)
        }
        refreshing = task
        return try await task.value.get()
    }

    /// Forgets the snapshot; the next lookup fetches discovery again.
    func invalidate() {
        snapshot = nil
        generation += 1
    }

    private func store(_ result: Result<DiscoverySnapshot, KubeError>) -> Result<(DiscoverySnapshot, UInt64), KubeError> {
        refreshing = nil
        switch result {
        case .success(let fresh):
            generation += 1
            snapshot = fresh
            return .success((fresh, generation))
        case .failure(let error):
            return .failure(error)
        }
    }
}
