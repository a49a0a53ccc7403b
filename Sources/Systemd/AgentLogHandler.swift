import Logging

/// How the agent writes its log (`--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// The journal when systemd connects us to it, else text.
    case automatic
    /// Native journald entries with fields.
    case journal
    /// Human-readable lines on standard error.
    case text
    /// JSON lines on standard error.
    case json
}

/// Chooses and builds the agent's log handler.
public enum AgentLogHandler {
    /// The format `.automatic` stands for here: `.journal` when `JOURNAL_STREAM` names standard
    /// error, or — when `JOURNAL_STREAM` is unset — when systemd started us (`INVOCATION_ID`) and
    /// the journal socket exists; otherwise `.text` (a terminal, a pipe, stderr redirected away
    /// from the journal). Other formats are returned unchanged.
    public static func resolve(_ format: LogFormat, environment: SystemdEnvironment = .process(), socket: JournalSocket = .system) -> LogFormat {
        guard format == .automatic else { return format }
        if environment["JOURNAL_STREAM"] != nil {
            return environment.standardErrorIsJournal ? .journal : .text
        }
        return environment.isRunningUnderSystemd && socket.exists ? .journal : .text
    }

    /// A handler for `label` in `format` (resolved as above) at `level`.
    public static func make(format: LogFormat, label: String, level: Logger.Level = .info, environment: SystemdEnvironment = .process(),
        socket: JournalSocket = .system) -> any LogHandler
    {
        var handler: any LogHandler
        switch resolve(format, environment: environment, socket: socket) {
        case .journal, .automatic:
            handler = JournalLogHandler(label: label, socket: socket, fallbackUsesPriorityPrefix: environment.standardErrorIsJournal)
        case .text:
            handler = TextLogHandler(label: label)
        case .json:
            handler = JSONLinesLogHandler(label: label)
        }
        handler.logLevel = level
        return handler
    }

    /// Installs the handler for the whole process (`LoggingSystem.bootstrap`, once per process).
    public static func bootstrap(format: LogFormat, level: Logger.Level = .info) {
        let environment = SystemdEnvironment.process()
        LoggingSystem.bootstrap { label in make(format: format, label: label, level: level, environment: environment) }
    }
}
