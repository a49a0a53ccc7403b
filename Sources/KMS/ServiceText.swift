/// Turns text a server sent (error messages, error codes) into something safe for an error message:
/// one line, bounded, with any credential the request carried replaced by `<redacted>`.
enum ServiceText {
    static let maximumCharacters = 300

    static func excerpt(_ text: String, redacting secrets: [String] = []) -> String {
        var cleaned = String(text.unicodeScalars.map { scalar -> Character in
            scalar.value < 0x20 || scalar.value == 0x7F ? " " : Character(scalar)
        })
        for secret in secrets where secret.count >= 4 {
            cleaned = cleaned.replacing(secret, with: "<redacted>")
        }
        while cleaned.contains("  ") { cleaned = cleaned.replacing("  ", with: " ") }
        cleaned = cleaned.trimmingWhitespace()
        if cleaned.count > maximumCharacters {
            cleaned = String(cleaned.prefix(maximumCharacters)) + "…"
        }
        return cleaned
    }
}
