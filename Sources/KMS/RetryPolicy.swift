/// How transient failures (throttling, 5xx, network) are retried: exponential backoff with jitter,
/// a bounded number of attempts, `Retry-After` honoured up to `maximumDelay`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included (1 disables retries).
    public var maximumAttempts: Int
    /// The wait before the second attempt; doubled for each further attempt.
    public var initialDelay: Duration
    /// The longest single wait.
    public var maximumDelay: Duration

    public init(maximumAttempts: Int = 4, initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(8)) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// The wait after failed attempt `attempt` (1-based): the server's `Retry-After` when given,
    /// otherwise exponential backoff with ±50 % jitter, capped at `maximumDelay`.
    func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maximumDelay) }
        var delay = initialDelay
        for _ in 1..<max(1, attempt) where delay < maximumDelay { delay *= 2 }
        delay = min(delay, maximumDelay)
        let factor = Double.random(in: 0.5...1.0)
        return delay * factor
    }
}
