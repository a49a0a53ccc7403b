import Store

/// The result of one reconcile pass, for the CLI summary and the daemon.
public struct PassOutcome: Sendable {
    public var reason: StatusReason
    public var message: String
    public var stages: [StageOutcome]
    public var pruned: [String]
    /// When the daemon should try again.
    public var retry: RetryAdvice
    /// Source (`GitRepository/ns/name`) → the revision this pass pinned.
    public var revisions: [String: String] = [:]

    public var isReady: Bool { reason == .succeeded }

    public init(reason: StatusReason, message: String, stages: [StageOutcome] = [], pruned: [String] = [], retry: RetryAdvice,
        revisions: [String: String] = [:])
    {
        self.reason = reason
        self.message = message
        self.stages = stages
        self.pruned = pruned
        self.retry = retry
        self.revisions = revisions
    }
}

/// How soon a StageSet should be reconciled again after a pass.
public enum RetryAdvice: Sendable, Equatable {
    /// Ready: the steady `interval`.
    case steady
    /// A wait or hold (source not ready, stage progressing): `retryInterval`.
    case wait
    /// A failure worth retrying: exponential backoff.
    case backoff
    /// A failure that repeats until the configuration or a source revision changes (invalid
    /// spec, a renderer's evaluation error, a parked revision): the steady interval only.
    case untilChange
}

public struct StageOutcome: Sendable {
    public var name: String
    public var phase: StagePhase
    public var revision: String?
    public var message: String
    /// Object counts by what happened to them (`created`, `configured`, `unchanged`, …).
    public var actions: [String: Int]
}
