import Logging

/// A swift-log handler writing native journald entries: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, a `MESSAGE_ID` for each known
/// `event`, and one field per metadata key (see `JournalFieldName`), secrets masked by
/// `LogMetadataRedaction`. Values with newlines use the binary-safe encoding; entries too large
/// for a datagram travel as a sealed memory file, and are truncated (saying so) only if even that fails.
///
/// If the journal cannot be reached, the line goes to standard error instead (with a `<N>`
/// priority prefix when standard error is itself a journal stream), so nothing is lost silently.
public struct JournalLogHandler: LogHandler {
    /// `SYSLOG_IDENTIFIER=` of every entry.
    public static let defaultIdentifier = "stageset-agent"
    /// The longest `MESSAGE` kept when an entry must be truncated.
    public static let truncatedMessageLimit = 64 * 1024

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let label: String
    public let identifier: String
    public let socket: JournalSocket
    public let redaction: LogMetadataRedaction
    private let fallback: TextLogHandler

    /// - Parameters:
    ///   - socket: where entries go; `JournalSocket.system` under systemd, a test's own socket otherwise.
    ///   - fallbackDescriptor: where lines go when the journal is unreachable (standard error).
    ///   - fallbackUsesPriorityPrefix: write `<N>` before fallback lines (standard error is a journal stream).
    public init(label: String, identifier: String = JournalLogHandler.defaultIdentifier, socket: JournalSocket = .system,
        redaction: LogMetadataRedaction = .standard, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        fallbackDescriptor: Int32 = 2, fallbackUsesPriorityPrefix: Bool = false)
    {
        self.label = label
        self.identifier = identifier
        self.socket = socket
        self.redaction = redaction
        self.metadataProvider = metadataProvider
        fallback = TextLogHandler(label: label, descriptor: fallbackDescriptor, redaction: redaction, priorityPrefix: fallbackUsesPriorityPrefix)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let record = LogRecord(event: event, label: label, handlerMetadata: metadata, provider: metadataProvider, redaction: redaction)
        do throws(SystemdError) {
            try socket.send(encode(record))
        } catch where error.code == .entryTooLarge {
            var shortened = record
            let dropped = shortened.message.utf8.count - Self.truncatedMessageLimit
            if dropped > 0 {
                shortened.message = String(decoding: shortened.message.utf8.prefix(Self.truncatedMessageLimit), as: UTF8.self)
                    + " … [truncated: \(dropped) more bytes not logged]"
            }
            shortened.metadata = shortened.metadata.map { item in
                let text = LogRecord.text(item.value)
                guard text.utf8.count > 4096 else { return item }
                return (item.key, .string(String(decoding: text.utf8.prefix(4096), as: UTF8.self) + " … [truncated]"))
            }
            do { try socket.send(encode(shortened)) } catch { fallback.write(record) }
        } catch {
            fallback.write(record)
        }
    }

    /// The entry for `record` in the native protocol.
    func encode(_ record: LogRecord) -> [UInt8] {
        var entry = JournalEntryEncoder()
        entry.append("MESSAGE", record.message)
        entry.append("PRIORITY", String(record.level.syslogPriority))
        entry.append("SYSLOG_IDENTIFIER", identifier)
        if let event = record.event { entry.append("MESSAGE_ID", event.messageID) }
        entry.append("CODE_FILE", record.file)
        entry.append("CODE_LINE", String(record.line))
        entry.append("CODE_FUNC", record.function)
        entry.append("AGENT_LOGGER", record.label)
        if let error = record.errorDescription { entry.append("AGENT_ERROR", error) }
        for (key, value) in record.metadata {
            entry.append(JournalFieldName.forMetadataKey(key), LogRecord.text(value))
        }
        return entry.bytes
    }
}
