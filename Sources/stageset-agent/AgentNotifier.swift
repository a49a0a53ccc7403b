import Daemon
import Systemd

/// The daemon's service-manager notifications, sent with sd_notify's protocol when systemd runs
/// the agent (`Type=notify`) and dropped otherwise.
struct AgentNotifier: ServiceNotifier {
    let systemd: SystemdNotifier

    static func make() -> any ServiceNotifier {
        let notifier = SystemdNotifier()
        return notifier.isEnabled ? AgentNotifier(systemd: notifier) : SilentNotifier()
    }

    // A lost notification cannot be reported anywhere useful: systemd is the one not listening.
    func ready() { _ = try? systemd.ready() }
    func reloading() { _ = try? systemd.reloading() }
    func stopping() { _ = try? systemd.stopping() }
    func status(_ line: String) { _ = try? systemd.status(line) }
    func watchdog() { _ = try? systemd.watchdogPing() }
    var watchdogInterval: Duration? { systemd.watchdogInterval }
}
