import Logging

/// Human-readable lines on standard error for when there is no journal:
/// `<level> STAGESET=… STAGE=… <message> key=value …`. Journal-style (upper-case) fields come
/// first — `STAGESET`, `STAGE`, `REVISION`, `REASON`, `OBJECT`, then the rest by name — and other
/// metadata after the message. Continuation lines of a multi-line message are indented.
public struct TextLogHandler: LogHandler {
    /// The upper-case fields that lead a line, in this order.
    public static let leadingFields = ["STAGESET", "STAGE", "REVISION", "REASON", "OBJECT"]

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let label: String
    public let redaction: LogMetadataRedaction
    private let writer: DescriptorWriter
    private let priorityPrefix: Bool

    /// - Parameters:
    ///   - descriptor: where lines go (standard error unless a test passes a pipe).
    ///   - priorityPrefix: start lines with `<N>` so a journal stream records the priority.
    public init(label: String, descriptor: Int32 = 2, redaction: LogMetadataRedaction = .standard,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider, priorityPrefix: Bool = false)
    {
        self.label = label
        self.redaction = redaction
        self.metadataProvider = metadataProvider
        self.writer = DescriptorWriter(descriptor: descriptor)
        self.priorityPrefix = priorityPrefix
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(LogRecord(event: event, label: label, handlerMetadata: metadata, provider: metadataProvider, redaction: redaction))
    }

    func write(_ record: LogRecord) {
        writer.write(Self.line(for: record, priorityPrefix: priorityPrefix))
    }

    static func line(for record: LogRecord, priorityPrefix: Bool) -> String {
        var fields: [(key: String, value: Logger.MetadataValue)] = []
        var others: [(key: String, value: Logger.MetadataValue)] = []
        for item in record.metadata {
            if JournalFieldName.isValid(item.key) { fields.append(item) } else { others.append(item) }
        }
        fields.sort { lhs, rhs in
            let left = leadingFields.firstIndex(of: lhs.key) ?? leadingFields.count
            let right = leadingFields.firstIndex(of: rhs.key) ?? leadingFields.count
            return left != right ? left < right : lhs.key < rhs.key
        }
        var line = priorityPrefix ? "<\(record.level.syslogPriority)>" : ""
        line += record.level.rawValue
        for (key, value) in fields { line += " \(key)=\(quotedIfNeeded(LogRecord.text(value)))" }
        line += " " + record.message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
        for (key, value) in others { line += " \(key)=\(quotedIfNeeded(LogRecord.text(value)))" }
        if let error = record.errorDescription { line += " error=\(quotedIfNeeded(error))" }
        return line + "\n"
    }

    /// A value as one token: quoted (JSON string rules) when it is empty or holds spaces, quotes,
    /// `=` or control characters.
    static func quotedIfNeeded(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0.value != 0x7F }
        return plain ? value : JSONText.quoted(value)
    }
}
