/// An error from reading OpenPGP keys or decrypting an OpenPGP message. Messages name key IDs and
/// fingerprints so an operator can tell which key is missing or unusable; they never contain key
/// material, session keys or plaintext.
public struct OpenPGPError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of failure this is, for callers that branch on it.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The ASCII armor is broken: no BEGIN/END lines, bad base64, or a CRC24 checksum mismatch.
        case malformedArmor
        /// A packet is truncated, has an impossible length, or holds fields that do not parse.
        case malformedPacket
        /// A public-key, symmetric, AEAD, hash algorithm or curve this implementation does not support.
        case unsupportedAlgorithm
        /// A packet kind or version that is not supported (passphrase-only messages, packets without
        /// integrity protection, version 5 keys ...).
        case unsupportedPacket
        /// The secret key is protected with a passphrase; this implementation never asks for one.
        case protectedKey
        /// The key file holds no secret for the key (a `gpg --export-secret-subkeys` stub, a smartcard
        /// key, or only public keys).
        case secretKeyUnavailable
        /// The secret key's components are inconsistent or corrupted.
        case invalidKey
        /// None of the key ring's keys is a recipient of the message.
        case noMatchingKey
        /// A recipient key was found but could not recover the session key (wrong key or corrupted data).
        case decryptionFailed
        /// The encrypted data failed its integrity check (MDC or AEAD tag): modified, truncated, or a
        /// wrong session key.
        case integrityCheckFailed
        /// The message uses a compression algorithm that is not supported (BZip2).
        case compressionUnsupported
        /// Compressed data is corrupt.
        case malformedCompressedData
        /// A size or nesting limit was exceeded (packet length, decompressed size, nesting depth).
        case limitExceeded

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
}
