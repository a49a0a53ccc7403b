/// An error from a cryptographic operation. It never carries key bytes, plaintext or passphrases:
/// only what went wrong and, for library failures, OpenSSL's own reason string.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is, for callers that branch on it.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// A key has a length the algorithm does not accept.
        case invalidKeyLength
        /// A nonce or IV has a length the algorithm does not accept.
        case invalidNonceLength
        /// An authentication tag has a length the algorithm does not accept.
        case invalidTagLength
        /// An input or parameter is outside what the algorithm accepts (sizes, cost factors, lengths).
        case invalidInput
        /// A private key (components, scalar, PEM) is not usable.
        case invalidKey
        /// A peer's public key or point is not usable (not on the curve, low order, wrong encoding).
        case invalidPublicKey
        /// An AEAD tag or a key-wrap integrity check did not verify: wrong key or tampered data.
        case authenticationFailed
        /// An RSA decryption failed: wrong key or corrupted ciphertext.
        case decryptionFailed
        /// The random number generator failed.
        case randomGenerationFailed
        /// OpenSSL reported an unexpected failure.
        case libraryFailure

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
