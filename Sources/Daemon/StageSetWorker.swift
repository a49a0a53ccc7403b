import Logging
import Rollout
import StageSpec

/// Runs one StageSet: a pass when it is due, when a source's revision changes (sources are polled
/// on their own interval; an unchanged Git remote costs one `git ls-remote`), or when asked.
actor StageSetWorker {
    enum Wake: Sendable {
        case timer
        case request
        case configurationChanged
    }

    private(set) var stageSet: StageSet
    private(set) var configuration: Configuration
    private let makeReconciler: @Sendable (StageSet, Configuration) -> Reconciler
    private let schedule: PassSchedule
    private var logger: Logger
    private let onOutcome: @Sendable (ObjectKey, PassOutcome) async -> Void

    private(set) var lastOutcome: PassOutcome?
    private(set) var passStarted: ContinuousClock.Instant?
    private(set) var lastProgress = ContinuousClock.now
    private(set) var nextPass = ContinuousClock.now
    private var nextPoll = ContinuousClock.now
    private var failures = 0
    private var pinnedRevisions: [String: String] = [:]
    private var requestedStage: String??
    private var forceNext = false
    private var pendingRollbacks: [(revision: String?, waiter: CheckedContinuation<PassOutcome, Never>)] = []
    private var waiters: [CheckedContinuation<PassOutcome, Never>] = []
    private let wakes: AsyncStream<Wake>
    private let wakeContinuation: AsyncStream<Wake>.Continuation

    init(stageSet: StageSet, configuration: Configuration, schedule: PassSchedule, logger: Logger,
        makeReconciler: @escaping @Sendable (StageSet, Configuration) -> Reconciler,
        onOutcome: @escaping @Sendable (ObjectKey, PassOutcome) async -> Void)
    {
        self.stageSet = stageSet
        self.configuration = configuration
        self.makeReconciler = makeReconciler
        self.schedule = schedule
        self.onOutcome = onOutcome
        var logger = logger
        logger[metadataKey: "STAGESET"] = "\(stageSet.key)"
        self.logger = logger
        (wakes, wakeContinuation) = AsyncStream.makeStream(of: Wake.self)
    }

    /// How long the sources may go unpolled: the shortest source interval.
    var pollInterval: Duration {
        stageSet.spec.stages.compactMap { configuration.source(of: $0)?.interval }.min() ?? stageSet.spec.interval
    }

    /// A worker is healthy while it is idle, or while its pass is younger than the pass could last.
    func isMakingProgress(now: ContinuousClock.Instant) -> Bool {
        guard let passStarted else { return true }
        let bound = stageSet.spec.stages.reduce(Duration.seconds(300)) { $0 + stageSet.spec.verifyTimeout(of: $1) }
        return now - passStarted < bound
    }

    /// The run loop; returns when the task is cancelled.
    func run() async {
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            lastProgress = .now
            if !pendingRollbacks.isEmpty {
                let request = pendingRollbacks.removeFirst()
                passStarted = .now
                let outcome = await makeReconciler(stageSet, configuration).rollBack(to: request.revision)
                passStarted = nil
                lastOutcome = outcome
                nextPass = ContinuousClock.now.advanced(by: schedule.delay(after: outcome.retry, spec: stageSet.spec, failures: failures))
                request.waiter.resume(returning: outcome)
                await onOutcome(stageSet.key, outcome)
                continue
            }
            if requestedStage != nil || ContinuousClock.now >= nextPass {
                let stage = requestedStage ?? nil
                requestedStage = nil
                await runPass(onlyStage: stage)
                continue
            }
            if ContinuousClock.now >= nextPoll {
                await pollSources()
                continue
            }
            let deadline = min(nextPass, nextPoll)
            let continuation = wakeContinuation
            let timer = Task {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    continuation.yield(.timer)
                } catch {}
            }
            _ = await iterator.next()
            timer.cancel()
        }
        let outcome = lastOutcome
        for request in pendingRollbacks {
            request.waiter.resume(returning: PassOutcome(reason: .stageFailed, message: "the agent is stopping", retry: .backoff))
        }
        pendingRollbacks.removeAll()
        for waiter in waiters {
            waiter.resume(returning: outcome ?? PassOutcome(reason: .stageFailed, message: "the agent is stopping", stages: [], pruned: [],
                retry: .backoff))
        }
        waiters.removeAll()
    }

    /// Asks for a pass now (of one stage, or all) and, when `wait`, returns its outcome; `force`
    /// applies revisions a rollback parked.
    func requestPass(stage: String?, force: Bool = false, wait: Bool) async -> PassOutcome? {
        requestedStage = .some(stage)
        if force { forceNext = true }
        wakeContinuation.yield(.request)
        guard wait else { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Rolls back by hand between passes (never during one) and returns the outcome.
    func requestRollback(to revision: String?) async -> PassOutcome {
        await withCheckedContinuation { waiter in
            pendingRollbacks.append((revision, waiter))
            wakeContinuation.yield(.request)
        }
    }

    /// Replaces the StageSet or its sources after a reload and runs a pass soon.
    func update(stageSet: StageSet, configuration: Configuration) {
        self.stageSet = stageSet
        self.configuration = configuration
        failures = 0
        nextPass = .now
        nextPoll = .now
        wakeContinuation.yield(.configurationChanged)
    }

    private func runPass(onlyStage: String?) async {
        passStarted = .now
        defer { passStarted = nil }
        let force = forceNext
        forceNext = false
        let outcome = await makeReconciler(stageSet, configuration).reconcile(onlyStage: onlyStage, force: force)
        lastOutcome = outcome
        if onlyStage == nil { pinnedRevisions = outcome.revisions }
        failures = outcome.retry == .backoff ? failures + 1 : 0
        let delay = schedule.delay(after: outcome.retry, spec: stageSet.spec, failures: failures)
        nextPass = ContinuousClock.now.advanced(by: delay)
        nextPoll = ContinuousClock.now.advanced(by: min(pollInterval, delay))
        logger.debug("next pass in \(GoDuration.format(delay))", metadata: ["REASON": "\(outcome.reason.rawValue)"])
        for waiter in waiters { waiter.resume(returning: outcome) }
        waiters.removeAll()
        await onOutcome(stageSet.key, outcome)
    }

    /// Resolves the sources; a revision that differs from the last pass starts a pass now.
    private func pollSources() async {
        nextPoll = ContinuousClock.now.advanced(by: pollInterval)
        if stageSet.spec.suspend { return }
        let reconciler = makeReconciler(stageSet, configuration)
        do {
            let pins = try await reconciler.renderer.fetcher.pin(stageSet, in: configuration)
            let revisions = pins.revisionsBySource(stageSet.spec.stages, in: configuration)
            if revisions != pinnedRevisions {
                for (source, revision) in revisions where pinnedRevisions[source] != revision {
                    logger.info("source updated: \(source) is at \(revision)",
                        metadata: ["event": "source-updated", "REVISION": "\(revision)"])
                }
                nextPass = .now
            }
        } catch {
            logger.warning("cannot poll the sources: \(error)")
        }
    }
}
