/// What the key ring knows about one primary key or subkey, for listings and diagnostics.
public struct OpenPGPKeyInfo: Sendable, Hashable, CustomStringConvertible {
    /// The fingerprint, uppercase hex (40 digits for v4 keys, 64 for v6 keys).
    public let fingerprint: String
    /// The 64-bit key ID, 16 uppercase hex digits (what v3 session key packets name).
    public let keyID: String
    /// The fingerprint of the primary key this subkey belongs to (its own for a primary key):
    /// what a SOPS `pgp` entry's `fp` usually names.
    public let primaryFingerprint: String
    public let isSubkey: Bool
    /// The key packet version, 4 or 6.
    public let version: Int
    /// Algorithm and size or curve, e.g. "RSA 3072", "ECDH Curve25519 (cv25519)", "X25519".
    public let algorithm: String
    /// True when the key can decrypt session keys now (an unprotected key of a supported algorithm).
    public let canDecrypt: Bool
    /// Why an encryption key cannot be used (passphrase, stub, unsupported curve ...); nil otherwise.
    public let problem: OpenPGPError?

    public var description: String {
        let role = isSubkey ? "subkey" : "key"
        var text = "\(role) \(fingerprint) (\(algorithm))"
        if let problem { text += ": \(problem.message)" }
        return text
    }
}
