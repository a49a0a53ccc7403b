import Rollout
import StageSpec

/// When a StageSet's next pass is due: the interval with ±5% jitter after success, the retry
/// interval after a wait or hold, exponential backoff after a failure (capped), and only the
/// interval when a failure cannot resolve itself (the source poll starts a pass on a change).
public struct PassSchedule: Sendable {
    public var jitter: Double
    public var minimumBackoff: Duration
    public var maximumBackoff: Duration

    public init(jitter: Double = 0.05, minimumBackoff: Duration = .seconds(5), maximumBackoff: Duration = .seconds(600)) {
        self.jitter = jitter
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// The delay until the next pass; `failures` counts consecutive failed passes (this one included).
    public func delay(after advice: RetryAdvice, spec: StageSetSpec, failures: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        switch advice {
        case .steady, .untilChange:
            return jittered(spec.interval, random)
        case .wait:
            return jittered(spec.effectiveRetryInterval, random)
        case .backoff:
            let cap = min(maximumBackoff, max(spec.interval, minimumBackoff))
            var delay = minimumBackoff
            for _ in 1..<max(failures, 1) where delay < cap { delay = delay * 2 }
            return jittered(min(delay, cap), random)
        }
    }

    func jittered(_ base: Duration, _ random: Double) -> Duration {
        base * (1 + jitter * max(-1, min(1, random)))
    }
}
