import Logging
import Timestamps

/// One JSON object per line on standard error (`--log-format json`), for log shippers:
/// `{"time":…,"level":…,"message":…,"message_id":…,"logger":…,<metadata>…,"file":…,"line":…,"function":…}`.
/// Metadata keys keep their spelling (`STAGESET`, `event`); one that collides with a standard key
/// is written as `metadata.<key>`. Secrets are masked by `LogMetadataRedaction`.
public struct JSONLinesLogHandler: LogHandler {
    /// The keys this handler writes itself.
    public static let standardKeys: Set<String> = ["time", "level", "priority", "message", "message_id", "logger", "error", "file", "line", "function"]

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let label: String
    public let redaction: LogMetadataRedaction
    private let writer: DescriptorWriter

    public init(label: String, descriptor: Int32 = 2, redaction: LogMetadataRedaction = .standard,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider)
    {
        self.label = label
        self.redaction = redaction
        self.metadataProvider = metadataProvider
        self.writer = DescriptorWriter(descriptor: descriptor)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let record = LogRecord(event: event, label: label, handlerMetadata: metadata, provider: metadataProvider, redaction: redaction)
        writer.write(Self.line(for: record, time: RFC3339.now(fractionDigits: 6)))
    }

    static func line(for record: LogRecord, time: String) -> String {
        var members = [
            ("time", JSONText.quoted(time)),
            ("level", JSONText.quoted(record.level.rawValue)),
            ("priority", String(record.level.syslogPriority)),
            ("message", JSONText.quoted(record.message)),
        ]
        if let event = record.event { members.append(("message_id", JSONText.quoted(event.messageID))) }
        members.append(("logger", JSONText.quoted(record.label)))
        if let error = record.errorDescription { members.append(("error", JSONText.quoted(error))) }
        for (key, value) in record.metadata {
            members.append((standardKeys.contains(key) ? "metadata.\(key)" : key, JSONText.encode(value)))
        }
        members += [("file", JSONText.quoted(record.file)), ("line", String(record.line)), ("function", JSONText.quoted(record.function))]
        return "{" + members.map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}\n"
    }
}
