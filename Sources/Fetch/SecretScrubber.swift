/// Removes credentials from text that came from outside (a server's error body, a transport
/// message) before it reaches an error: the bearer token and every top-level argument whose name
/// looks secret, in plain and percent-encoded form.
struct SecretScrubber: Sendable {
    private var secrets: [String] = []

    static let sensitiveNameParts = ["token", "password", "passwd", "secret", "credential", "auth", "key", "cert", "private", "session", "cookie"]

    /// True when a top-level argument's name suggests its value is a credential.
    static func isSensitive(name: String) -> Bool {
        let lower = name.lowercased()
        return sensitiveNameParts.contains { lower.contains($0) }
    }

    init(bearerToken: String?, arguments: [(name: String, values: [String])]) {
        if let bearerToken { add(bearerToken) }
        for argument in arguments where Self.isSensitive(name: argument.name) {
            argument.values.forEach { add($0) }
        }
        secrets.sort { $0.count > $1.count }
    }

    private mutating func add(_ secret: String) {
        guard secret.count >= 3 else { return }
        secrets.append(secret)
        let encoded = JaaSRequest.percentEncoded(secret)
        if encoded != secret { secrets.append(encoded) }
    }

    func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "<redacted>")
        }
        return result
    }
}
