import CryptoPrimitives

/// An age X25519 identity (secret key), written `AGE-SECRET-KEY-1…` in upper-case Bech32.
/// Its description shows only the recipient, so logging an identity never leaks the key.
public struct AgeX25519Identity: Sendable, CustomStringConvertible {
    let secretKey: SecureBytes

    /// The recipient (public key) that files for this identity are encrypted to.
    public let recipient: AgeX25519Recipient

    /// Parses one `AGE-SECRET-KEY-1…` string. Plugin (`AGE-PLUGIN-…`), post-quantum
    /// (`AGE-SECRET-KEY-PQ-1…`) and SSH keys are refused with `unsupportedIdentity`.
    /// Errors never repeat the key.
    public init(_ encoded: String) throws(AgeError) {
        let text = encoded.trimmingASCIIWhitespace()
        if let refusal = AgeX25519Identity.unsupportedKind(text) { throw refusal }
        var decoded: (humanReadablePart: String, data: [UInt8])
        do {
            decoded = try Bech32.decode(text)
        } catch {
            throw AgeError(.malformedIdentity, "not a valid age identity: \(error.explanation)")
        }
        let secret = SecureBytes(wiping: &decoded.data)
        if decoded.humanReadablePart == "age-secret-key-" {
            throw AgeError(.malformedIdentity, "an age identity must be written in upper case (AGE-SECRET-KEY-1…)")
        }
        guard decoded.humanReadablePart == "AGE-SECRET-KEY-" else {
            throw AgeError(.malformedIdentity, "not an age identity: expected the prefix AGE-SECRET-KEY-1")
        }
        guard secret.count == X25519.byteCount else {
            throw AgeError(.malformedIdentity, "an age X25519 identity holds 32 bytes, this one \(secret.count)")
        }
        try self.init(secretKey: secret)
    }

    /// A new random identity, for example for a rollback store's key.
    public static func generate() throws(AgeError) -> AgeX25519Identity {
        let secretKey: SecureBytes
        do {
            secretKey = try X25519.generatePrivateKey()
        } catch {
            throw AgeError.cryptographic(error, while: "generating an X25519 identity")
        }
        return try AgeX25519Identity(secretKey: secretKey)
    }

    init(secretKey: SecureBytes) throws(AgeError) {
        self.secretKey = secretKey
        let publicKey: [UInt8]
        do {
            publicKey = try X25519.publicKey(privateKey: secretKey)
        } catch {
            throw AgeError.cryptographic(error, while: "computing the X25519 public key")
        }
        recipient = try AgeX25519Recipient(publicKey: publicKey)
    }

    /// The `AGE-SECRET-KEY-1…` string, for writing an identity file that `age -d -i` reads.
    /// It is secret: write it to a 0600 file, never to a log.
    public func encodedSecretKey() -> String {
        Bech32.encode(humanReadablePart: "AGE-SECRET-KEY-", data: secretKey).uppercased()
    }

    public var description: String { "AgeX25519Identity(recipient: \(recipient.encoded))" }

    /// Recognizes identity kinds that are deliberately not supported.
    static func unsupportedKind(_ text: String) -> AgeError? {
        let upper = text.uppercased()
        if upper.hasPrefix("AGE-PLUGIN-") {
            return AgeError(.unsupportedIdentity, "age plugin identities (AGE-PLUGIN-…) are not supported")
        }
        if upper.hasPrefix("AGE-SECRET-KEY-PQ-1") {
            return AgeError(.unsupportedIdentity, "post-quantum age identities (AGE-SECRET-KEY-PQ-1…) are not supported")
        }
        if text.hasPrefix("-----BEGIN OPENSSH PRIVATE KEY-----") || text.hasPrefix("-----BEGIN RSA PRIVATE KEY-----")
            || text.hasPrefix("ssh-ed25519 ") || text.hasPrefix("ssh-rsa ") {
            return AgeError(.unsupportedIdentity, "SSH keys are not supported as age identities; use an AGE-SECRET-KEY-1… identity")
        }
        if text.hasPrefix(AgeHeader.versionLine) || text.hasPrefix(AgeArmor.beginLine) {
            return AgeError(
                .unsupportedIdentity,
                "this is an encrypted (passphrase-protected) age identity file; decrypt it with its passphrase first")
        }
        if text.hasPrefix("age1") {
            return AgeError(.unsupportedIdentity, "this is an age recipient (public key), not an identity (secret key)")
        }
        return nil
    }
}
