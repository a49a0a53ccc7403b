import CryptoPrimitives

/// An error from parsing, decrypting or encrypting age files and keys. Messages never contain secret keys,
/// passphrases, file keys or plaintext.
public struct AgeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The ASCII armor (`-----BEGIN AGE ENCRYPTED FILE-----`) is not canonical.
        case malformedArmor
        /// The binary header does not parse, or a recognized stanza is invalid.
        case malformedHeader
        /// The file is an age file of a version this implementation does not know.
        case unsupportedVersion
        /// An scrypt stanza asks for more work than the passphrase identity allows.
        case workFactorTooHigh
        /// None of the given identities could unwrap the file key.
        case noMatchingIdentity
        /// The header MAC does not verify: the header was altered after encryption.
        case headerMACMismatch
        /// A payload chunk failed authentication (tampered, truncated inside a chunk, or trailing data).
        case payloadAuthenticationFailed
        /// The payload is structurally wrong (missing, truncated at a chunk boundary, empty final chunk).
        case malformedPayload
        /// An identity string or identity-file line is not a valid age identity.
        case malformedIdentity
        /// The identity is of a kind this implementation refuses (plugin, SSH, post-quantum, encrypted file).
        case unsupportedIdentity
        /// A recipient string is not a valid `age1…` X25519 recipient.
        case malformedRecipient
        /// The recipient is of a kind this implementation cannot encrypt to (plugin, SSH, post-quantum).
        case unsupportedRecipient
        /// Encryption was asked for without recipients.
        case noRecipients
        /// A cryptographic primitive failed unexpectedly (for example the random generator).
        case cryptographicFailure

        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A message an operator can act on; never contains secret material.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Wraps an unexpected primitive failure (its message carries no secrets either).
    static func cryptographic(_ error: CryptoError, while doing: String) -> AgeError {
        AgeError(.cryptographicFailure, "\(doing) failed: \(error.message)")
    }
}
