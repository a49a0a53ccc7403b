/// One `NAME=value` assignment of the sd_notify protocol (man sd_notify). Values are single lines:
/// line breaks become spaces, because the protocol separates assignments by newlines.
public struct NotifyState: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = String(value.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    /// Start-up finished; dependants may proceed (also ends a reload).
    public static let ready = NotifyState(name: "READY", value: "1")
    /// A reload began; must travel with `monotonicTimestamp()` and be followed by `ready`.
    public static let reloading = NotifyState(name: "RELOADING", value: "1")
    /// Graceful shutdown began.
    public static let stopping = NotifyState(name: "STOPPING", value: "1")
    /// The watchdog keep-alive ping.
    public static let watchdog = NotifyState(name: "WATCHDOG", value: "1")

    /// Free text shown by `systemctl status`.
    public static func status(_ text: String) -> NotifyState { NotifyState(name: "STATUS", value: text) }

    /// `MONOTONIC_USEC=` with the current CLOCK_MONOTONIC time, which systemd requires beside `RELOADING=1`.
    public static func monotonicTimestamp() -> NotifyState { monotonicTimestamp(microseconds: MonotonicClock.microseconds()) }

    public static func monotonicTimestamp(microseconds: UInt64) -> NotifyState {
        NotifyState(name: "MONOTONIC_USEC", value: String(microseconds))
    }

    /// Asks for `duration` more than the start, stop or reload timeout from now (`EXTEND_TIMEOUT_USEC=`).
    public static func extendTimeout(by duration: Duration) -> NotifyState {
        NotifyState(name: "EXTEND_TIMEOUT_USEC", value: String(duration.wholeMicroseconds))
    }

    /// The errno-style reason for a failure, sent before the service exits (`ERRNO=`).
    public static func errorNumber(_ code: Int32) -> NotifyState { NotifyState(name: "ERRNO", value: String(code)) }

    /// Whether systemd would accept the name: upper-case letters, digits and `_`.
    var hasValidName: Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    public var description: String { "\(name)=\(value)" }
}
