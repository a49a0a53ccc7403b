import ArgumentParser
import Logging
import Systemd

/// Logging for every command: journald entries with fields under systemd, else text (or JSON
/// lines) on standard error, with secrets in metadata masked.
enum AgentLogging {
    static func logger(_ global: GlobalOptions, label: String = "stageset-agent") -> Logger {
        let format = global.logFormat
        let level = global.logLevel.level
        return Logger(label: label) { label in AgentLogHandler.make(format: format, label: label, level: level) }
    }
}

extension LogFormat: ExpressibleByArgument {}

/// The `--log-level` values, as swift-log names them.
enum LogLevelOption: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}
