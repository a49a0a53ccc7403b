/// How a logger metadata key becomes a journal field name (man systemd.journal-fields: upper-case
/// `A–Z`, `0–9`, `_`, not starting with `_` or a digit, at most 64 characters).
///
/// - A key that is already a valid field name (`STAGESET`, `STAGE`, `REVISION`, `REASON`, `OBJECT`)
///   passes through unchanged, so `journalctl STAGESET=payments STAGE=app` works.
/// - Every other key (lower- or mixed-case like `event`, `durationSeconds`, `object-count`), and
///   a valid name the handler writes itself (`MESSAGE`, `PRIORITY`, `CODE_*`, `SYSLOG_*`,
///   `MESSAGE_ID`), becomes `AGENT_` + the key in upper snake case (`AGENT_EVENT`,
///   `AGENT_DURATION_SECONDS`, `AGENT_OBJECT_COUNT`): still filterable, never mistaken for
///   a standard field, and the message text stays stable for the catalog.
public enum JournalFieldName {
    /// The prefix of fields made from keys that are not already journal field names.
    public static let agentPrefix = "AGENT_"
    /// Fields the journal handler writes itself; metadata cannot replace them.
    public static let handlerOwned: Set<String> = [
        "MESSAGE", "MESSAGE_ID", "PRIORITY", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
        "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "SYSLOG_PID", "SYSLOG_TIMESTAMP",
    ]
    static let maximumLength = 64

    /// Whether journald accepts `name` as a user field.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maximumLength, first >= 0x41 && first <= 0x5A else { return false }
        return bytes.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// The journal field for a metadata key (rules above).
    public static func forMetadataKey(_ key: String) -> String {
        if isValid(key) && !handlerOwned.contains(key) { return key }
        let words = LogMetadataRedaction.words(of: key).map { word in
            String(word.unicodeScalars.map { scalar -> Character in
                let value = scalar.value
                if (value >= 0x61 && value <= 0x7A) { return Character(Unicode.Scalar(value - 0x20)!) }
                if (value >= 0x30 && value <= 0x39) { return Character(scalar) }
                return "_"
            })
        }
        var body = words.joined(separator: "_")
        while body.contains("__") { body = body.replacingOccurrences(of: "__", with: "_") }
        body = String(body.drop { $0 == "_" }.reversed().drop { $0 == "_" }.reversed())
        if body.isEmpty { body = "FIELD" }
        return String((agentPrefix + body).prefix(maximumLength))
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var remainder = self[...]
        while let range = remainder.firstRange(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }
}
