/// Aborts a transfer whose average speed stays below `bytesPerSecond` for `duration`
/// (CURLOPT_LOW_SPEED_LIMIT / CURLOPT_LOW_SPEED_TIME): the defence against stalled streams.
/// A transfer paused because the consumer is slow is not counted as stalled.
public struct HTTPLowSpeedLimit: Hashable, Sendable {
    public var bytesPerSecond: Int
    public var duration: Duration

    public init(bytesPerSecond: Int, duration: Duration) {
        self.bytesPerSecond = bytesPerSecond
        self.duration = duration
    }

    /// No low-speed abort.
    public static let disabled = HTTPLowSpeedLimit(bytesPerSecond: 0, duration: .zero)

    var isEnabled: Bool { bytesPerSecond > 0 && duration > .zero }
}
