import Logging

/// Keeps secret values out of every log line: a metadata key that names a secret value has its
/// value replaced by `<redacted>` (the key stays, so the line still says something was there).
///
/// A key is split into words at `_`, `-`, `.`, spaces and lower→upper case changes. It is
/// sensitive when a word contains `password`, `passwd`, `passphrase`, `secret`, `token`,
/// `credential`, `authorization`, `cookie`, `privatekey`, or ends in `key` (`key`, `agekey`,
/// `apiKey`) — unless its last word says it only names or locates the secret: `name`, `ref`, `id`,
/// `path`, `file`, `dir`, `directory`, `count`, `fingerprint`, `recipient`, `type`, `kind`
/// (`secretName`, `SECRET_REF`, `token_file`, `keyPath` are kept). Nested dictionaries are
/// filtered by the same rule. Messages are not inspected: never interpolate a secret into one.
public struct LogMetadataRedaction: Sendable {
    /// What replaces a sensitive value.
    public static let mask = "<redacted>"
    /// The rule above.
    public static let standard = LogMetadataRedaction()

    private static let sensitiveFragments = ["password", "passwd", "passphrase", "secret", "token", "credential", "authorization", "cookie", "privatekey"]
    private static let namingWords: Set<String> = ["name", "names", "ref", "id", "path", "file", "dir", "directory", "count", "fingerprint", "recipient", "type", "kind"]

    public init() {}

    /// Whether values under `key` must not be logged.
    public func isSensitive(key: String) -> Bool {
        let words = Self.words(of: key)
        guard let last = words.last else { return false }
        if Self.namingWords.contains(last) && words.count > 1 { return false }
        return words.contains { word in
            word.hasSuffix("key") || Self.sensitiveFragments.contains { word.contains($0) }
        }
    }

    /// The metadata with sensitive values masked.
    public func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result = metadata
        for (key, value) in metadata {
            if isSensitive(key: key) {
                result[key] = .string(Self.mask)
            } else if case .dictionary(let nested) = value {
                result[key] = .dictionary(redact(nested))
            }
        }
        return result
    }

    static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in key {
            if character == "_" || character == "-" || character == "." || character == " " {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower {
                words.append(current)
                current = ""
            }
            previousWasLower = character.isLowercase || character.isNumber
            current.append(contentsOf: character.lowercased())
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
