import CryptoPrimitives

/// An age identity as `AgeFile.decrypt` uses it.
public enum AgeIdentity: Sendable {
    /// An X25519 identity: unwraps `X25519` stanzas.
    case x25519(AgeX25519Identity)
    /// A passphrase: unwraps a lone `scrypt` stanza.
    case passphrase(AgePassphraseIdentity)
}

/// A passphrase for files made with `age -p`. The scrypt work factor it will run is capped
/// (log2 N ≤ `maxWorkFactor`) so a hostile file cannot make decryption take minutes and gigabytes.
public struct AgePassphraseIdentity: Sendable, CustomStringConvertible {
    /// The default cap, the same as the age reference implementation: log2 N = 22 (scrypt then needs 4 GiB).
    public static let defaultMaxWorkFactor = 22

    let passphrase: SecureBytes
    /// The largest log2 N accepted.
    public let maxWorkFactor: Int

    public init(passphrase: some Collection<UInt8>, maxWorkFactor: Int = AgePassphraseIdentity.defaultMaxWorkFactor) {
        self.passphrase = SecureBytes(passphrase)
        self.maxWorkFactor = maxWorkFactor
    }

    public var description: String { "AgePassphraseIdentity(maxWorkFactor: \(maxWorkFactor))" }
}
