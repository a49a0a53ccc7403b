/// One recipient named by a message's public-key encrypted session key packets.
public struct OpenPGPRecipient: Sendable, Hashable, CustomStringConvertible {
    /// The recipient's 16-hex-digit key ID (version 3 packets); nil for version 6 packets.
    public let keyID: String?
    /// The recipient's fingerprint (version 6 packets); nil for version 3 packets.
    public let fingerprint: String?
    /// The public-key algorithm, e.g. "RSA", "ECDH", "X25519".
    public let algorithm: String
    /// True for a hidden recipient (all-zero key ID or no fingerprint): every key must be tried.
    public let isAnonymous: Bool

    public var description: String {
        if isAnonymous { return "anonymous recipient (\(algorithm))" }
        if let fingerprint { return "fingerprint \(fingerprint) (\(algorithm))" }
        return "key ID \(keyID ?? "?") (\(algorithm))"
    }
}
