/// When and how long to wait before repeating a request that failed with 429, a 5xx (500, 502,
/// 503, 504) or a transport error. Other 4xx answers are never retried. Waits grow exponentially
/// with jitter; a `Retry-After` from the server replaces the computed wait (capped by
/// `maximumRetryAfter`). Retrying stops after `maximumAttempts` or when the next wait would end
/// after `deadline` (counted from the first attempt).
public struct RetryPolicy: Sendable {
    /// Total attempts including the first (1 disables retries).
    public var maximumAttempts: Int
    /// Wait before the second attempt.
    public var initialDelay: Duration
    /// Upper bound of a computed wait.
    public var maximumDelay: Duration
    /// Each wait is the computed one times a random factor in `1 - jitter ... 1 + jitter`.
    public var jitter: Double
    /// Upper bound for honouring a server's `Retry-After`.
    public var maximumRetryAfter: Duration
    /// Overall time budget for one operation's attempts (nil: attempts alone limit it).
    public var deadline: Duration?
    /// How to wait; tests may replace it to observe the waits.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maximumAttempts: Int = 6, initialDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(5),
        jitter: Double = 0.2, maximumRetryAfter: Duration = .seconds(30), deadline: Duration? = .seconds(120),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maximumRetryAfter = maximumRetryAfter
        self.deadline = deadline
        self.sleep = sleep
    }

    /// The defaults: 0.2 s doubling to 5 s, six attempts, two minutes.
    public static var standard: RetryPolicy { RetryPolicy() }

    /// Never retry.
    public static var none: RetryPolicy { RetryPolicy(maximumAttempts: 1) }

    /// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed.
    func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maximumRetryAfter) }
        var delay = initialDelay
        for _ in 1..<max(1, attempt) {
            delay = delay * 2
            if delay >= maximumDelay { break }
        }
        delay = min(delay, maximumDelay)
        guard jitter > 0 else { return delay }
        let factor = Double.random(in: (1 - jitter)...(1 + jitter))
        return delay * factor
    }

    /// Whether an error is worth another attempt.
    static func isRetryable(_ error: KubeError) -> Bool {
        switch error.code {
        case .tooManyRequests, .transport, .timeout:
            return true
        case .serverError:
            return [500, 502, 503, 504].contains(error.statusCode ?? 500)
        default:
            return false
        }
    }
}
