/// Tunables of the stage engine (tests shorten the intervals).
public struct RolloutSettings: Sendable {
    /// How often readiness is polled.
    public var pollInterval: Duration
    /// Objects of one stage applied at the same time (the HTTP pool has as many connections).
    public var maximumConcurrentApplies: Int
    /// Longest wait for CustomResourceDefinitions to become Established.
    public var definitionTimeout: Duration
    /// Longest wait for a deleted object to disappear before it is re-created.
    public var recreateTimeout: Duration
    /// How often a waiting stage logs that it is still waiting.
    public var heartbeatInterval: Duration

    public init(
        pollInterval: Duration = .seconds(2), maximumConcurrentApplies: Int = 8, definitionTimeout: Duration = .seconds(60),
        recreateTimeout: Duration = .seconds(60), heartbeatInterval: Duration = .seconds(60)
    ) {
        self.pollInterval = pollInterval
        self.maximumConcurrentApplies = maximumConcurrentApplies
        self.definitionTimeout = definitionTimeout
        self.recreateTimeout = recreateTimeout
        self.heartbeatInterval = heartbeatInterval
    }
}
