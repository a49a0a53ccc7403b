import Logging

/// Logging for the command line: human-readable lines on standard error.
enum AgentLogging {
    static func logger(label: String = "stageset-agent") -> Logger {
        var logger = Logger(label: label) { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .info
        return logger
    }
}
