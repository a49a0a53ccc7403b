import Daemon

/// The service-manager notifier for this process.
enum AgentNotifier {
    static func make() -> any ServiceNotifier {
        SilentNotifier()
    }
}
