import Logging

/// One log event with everything the handlers need resolved once: metadata merged (handler <
/// provider < call site) and redacted, the `event` name mapped to its `AgentEvent`.
struct LogRecord {
    var level: Logger.Level
    var message: String
    var label: String
    var metadata: [(key: String, value: Logger.MetadataValue)]
    var eventName: String?
    var event: AgentEvent?
    var errorDescription: String?
    var file: String
    var function: String
    var line: UInt

    init(event logEvent: LogEvent, label: String, handlerMetadata: Logger.Metadata, provider: Logger.MetadataProvider?,
        redaction: LogMetadataRedaction)
    {
        var merged = handlerMetadata
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = logEvent.metadata { merged.merge(explicit) { _, new in new } }
        merged = redaction.redact(merged)
        level = logEvent.level
        message = logEvent.message.description
        self.label = label
        metadata = merged.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        if let value = merged[AgentEvent.metadataKey] {
            let name = Self.text(value)
            eventName = name
            event = AgentEvent(rawValue: name)
        }
        errorDescription = logEvent.error.map { String(describing: $0) }
        file = logEvent.file
        function = logEvent.function
        line = logEvent.line
    }

    /// A metadata value as one string: strings as they are, arrays and dictionaries as JSON.
    static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array, .dictionary: JSONText.encode(value)
        }
    }
}
