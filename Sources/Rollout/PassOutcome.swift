import Store

/// The result of one reconcile pass, for the CLI summary and the daemon.
public struct PassOutcome: Sendable {
    public var reason: StatusReason
    public var message: String
    public var stages: [StageOutcome]
    public var pruned: [String]

    public var isReady: Bool { reason == .succeeded }
}

public struct StageOutcome: Sendable {
    public var name: String
    public var phase: StagePhase
    public var revision: String?
    public var message: String
    /// Object counts by what happened to them (`created`, `configured`, `unchanged`, …).
    public var actions: [String: Int]
}
