/// Tells the service manager about the agent's life cycle (systemd's sd_notify protocol).
/// Implementations must be no-ops outside a service manager.
public protocol ServiceNotifier: Sendable {
    func ready()
    func reloading()
    func stopping()
    /// A one-line summary shown by `systemctl status`.
    func status(_ line: String)
    func watchdog()
    /// How often the service manager expects `watchdog()`; `nil` when it does not watch.
    var watchdogInterval: Duration? { get }
}

/// A notifier that does nothing (tests, foreground use).
public struct SilentNotifier: ServiceNotifier {
    public init() {}
    public func ready() {}
    public func reloading() {}
    public func stopping() {}
    public func status(_ line: String) {}
    public func watchdog() {}
    public var watchdogInterval: Duration? { nil }
}
