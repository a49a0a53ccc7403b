#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd about the service's state (readiness, status line, reload, stop, watchdog) through
/// the socket named by `NOTIFY_SOCKET`; does nothing when the variable is unset (not run by systemd).
///
/// It speaks the documented datagram protocol itself (one AF_UNIX datagram of `NAME=value` lines,
/// man sd_notify "NOTES") instead of calling libsystemd's `sd_notify`: the protocol is a stable
/// systemd interface, the binary gains no libsystemd dependency, and every message goes to
/// exactly the address in `NOTIFY_SOCKET` — path or `@abstract` — so tests can bind their own socket.
///
/// The watchdog interval is only reported (`watchdogInterval`, `watchdogPingInterval`): the daemon
/// pings when its reconcile loop has made progress, never from a free-running timer, so a wedged
/// loop is restarted by systemd.
public struct SystemdNotifier: Sendable {
    /// The raw `NOTIFY_SOCKET` value, `nil` outside systemd.
    public let socketAddress: String?
    /// `WATCHDOG_USEC` when the watchdog is enabled for this process (`WATCHDOG_PID` unset or ours).
    public let watchdogInterval: Duration?

    public init(environment: SystemdEnvironment = .process(), processID: Int32 = getpid()) {
        socketAddress = environment.notifySocket
        if let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == processID }) ?? true
        {
            watchdogInterval = .microseconds(Int64(clamping: microseconds))
        } else {
            watchdogInterval = nil
        }
    }

    /// Whether notifications go anywhere (the process runs under systemd with `Type=notify`).
    public var isEnabled: Bool { socketAddress != nil }

    /// How often to ping at most: half the watchdog interval, as systemd recommends.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// Sends the assignments as one datagram. Returns `false` when there is no `NOTIFY_SOCKET`.
    @discardableResult
    public func send(_ states: [NotifyState]) throws(SystemdError) -> Bool {
        guard let socketAddress else { return false }
        guard !states.isEmpty else { return true }
        if let invalid = states.first(where: { !$0.hasValidName }) {
            throw SystemdError(code: .invalidNotification, message: "\"\(invalid.name)\" is not a valid sd_notify assignment name")
        }
        let address = try UnixSocketAddress(socketAddress)
        let socket = try DatagramSocket()
        let datagram = Array(states.map { "\($0.name)=\($0.value)\n" }.joined().utf8)
        if let failure = socket.send(datagram, to: address) {
            throw .system(.sendFailed, "cannot notify systemd at \(socketAddress)", errorNumber: failure)
        }
        return true
    }

    /// `READY=1` (with a status line): initialisation that dependants rely on is complete.
    @discardableResult
    public func ready(status: String? = nil) throws(SystemdError) -> Bool {
        try send([.ready] + (status.map { [.status($0)] } ?? []))
    }

    /// `STATUS=<one line>` shown by `systemctl status`.
    @discardableResult
    public func status(_ text: String) throws(SystemdError) -> Bool {
        try send([.status(text)])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (required by systemd); send `ready()` when the reload ends.
    @discardableResult
    public func reloading(status: String? = nil) throws(SystemdError) -> Bool {
        try send([.reloading, .monotonicTimestamp()] + (status.map { [.status($0)] } ?? []))
    }

    /// `STOPPING=1` at the start of a graceful shutdown.
    @discardableResult
    public func stopping(status: String? = nil) throws(SystemdError) -> Bool {
        try send([.stopping] + (status.map { [.status($0)] } ?? []))
    }

    /// `WATCHDOG=1`; call it when the main loop has shown progress, about every `watchdogPingInterval`.
    @discardableResult
    public func watchdogPing() throws(SystemdError) -> Bool {
        try send([.watchdog])
    }

    /// `EXTEND_TIMEOUT_USEC=`: a slow start, reload or drain needs `duration` more from now.
    @discardableResult
    public func extendTimeout(by duration: Duration) throws(SystemdError) -> Bool {
        try send([.extendTimeout(by: duration)])
    }

    /// `ERRNO=` plus a status line, sent just before the service gives up.
    @discardableResult
    public func failing(errorNumber: Int32, status: String) throws(SystemdError) -> Bool {
        try send([.status(status), .errorNumber(errorNumber)])
    }
}
