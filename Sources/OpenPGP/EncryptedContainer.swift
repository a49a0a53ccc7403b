import CryptoPrimitives

/// The encrypted data packet of a message: SEIPD v1 (CFB + MDC), SEIPD v2 (RFC 9580 chunked AEAD), or
/// the LibrePGP OCB Encrypted Data packet GnuPG 2.3+ writes. Parsed before any key is tried, so an
/// unsupported container is reported without touching secret keys.
enum EncryptedContainer {
    case integrityProtectedV1(ciphertext: SecureBytes)
    case aead(AEADChunkedData)

    static func parse(_ packet: Packet) throws(OpenPGPError) -> EncryptedContainer {
        var cursor = ByteCursor(packet.body)
        switch packet.tag {
        case .symmetricallyEncryptedIntegrityProtectedData:
            let version = try cursor.readByte("SEIPD version")
            switch version {
            case 1:
                return .integrityProtectedV1(ciphertext: SecureBytes(copying: cursor.readRest()))
            case 2:
                let cipher = SymmetricAlgorithm(rawValue: try cursor.readByte("SEIPD cipher"))
                let mode = AEADMode(rawValue: try cursor.readByte("SEIPD AEAD mode"))
                let chunkOctet = try cursor.readByte("SEIPD chunk size")
                let salt = Array(try cursor.read(32, "SEIPD salt"))
                return .aead(try AEADChunkedData(
                    format: .seipdVersion2, cipher: cipher, mode: mode, chunkSizeOctet: chunkOctet, initializationMaterial: salt,
                    encrypted: SecureBytes(copying: cursor.readRest())))
            default:
                throw OpenPGPError(.unsupportedPacket, "the SEIPD packet has version \(version); only versions 1 and 2 are supported")
            }
        case .ocbEncryptedData:
            let version = try cursor.readByte("OCB encrypted data version")
            guard version == 1 else {
                throw OpenPGPError(.unsupportedPacket, "the OCB encrypted data packet has version \(version); only version 1 is supported")
            }
            let cipher = SymmetricAlgorithm(rawValue: try cursor.readByte("OCB encrypted data cipher"))
            let mode = AEADMode(rawValue: try cursor.readByte("OCB encrypted data AEAD mode"))
            let chunkOctet = try cursor.readByte("OCB encrypted data chunk size")
            guard let nonceLength = mode.nonceByteCount else {
                throw OpenPGPError(.unsupportedAlgorithm, "the OCB encrypted data packet uses \(mode), which is not supported")
            }
            let iv = Array(try cursor.read(nonceLength, "OCB encrypted data IV"))
            return .aead(try AEADChunkedData(
                format: .ocbEncryptedData, cipher: cipher, mode: mode, chunkSizeOctet: chunkOctet, initializationMaterial: iv,
                encrypted: SecureBytes(copying: cursor.readRest())))
        case .symmetricallyEncryptedData:
            throw OpenPGPError(
                .unsupportedPacket,
                "the message uses a symmetrically encrypted data packet (tag 9) without integrity protection; such messages are refused")
        default:
            throw OpenPGPError(.unsupportedPacket, "expected an encrypted data packet, found a \(packet.tag)")
        }
    }

    /// Decrypts and integrity-checks the container; the result is the plaintext packet sequence.
    func decrypt(with sessionKey: SessionKey) throws(OpenPGPError) -> SecureBytes {
        switch self {
        case .integrityProtectedV1(let ciphertext):
            guard let algorithm = sessionKey.algorithm else {
                throw OpenPGPError(.malformedPacket, "a SEIPD version 1 packet needs a version 3 session key packet")
            }
            return try IntegrityProtectedDataV1.decrypt(ciphertext, algorithm: algorithm, key: sessionKey.key)
        case .aead(let data):
            return try data.decrypt(with: sessionKey)
        }
    }
}
