import CryptoPrimitives

/// Unwraps the decrypted packet sequence (RFC 9580 §10.3) down to the literal data: compressed data
/// is inflated and read recursively; one-pass signatures, signatures, markers and padding are skipped
/// (signatures are not verified); exactly one literal data packet must remain.
enum LiteralContent {
    static func extract(from plaintext: SecureBytes, depth: Int = 1) throws(OpenPGPError) -> SecureBytes {
        guard depth <= Limits.maximumNestingDepth else {
            throw OpenPGPError(.limitExceeded, "the message nests packets more than \(Limits.maximumNestingDepth) levels deep")
        }
        var reader = PacketReader(plaintext)
        var literal: SecureBytes?
        while let packet = try reader.next() {
            switch packet.tag {
            case .literalData:
                guard literal == nil else {
                    throw OpenPGPError(.malformedPacket, "the decrypted message holds more than one literal data packet")
                }
                literal = try literalData(packet.body)
            case .compressedData:
                guard literal == nil else {
                    throw OpenPGPError(.malformedPacket, "the decrypted message holds more than one data packet")
                }
                var cursor = ByteCursor(packet.body)
                let algorithm = CompressionAlgorithm(rawValue: try cursor.readByte("compression algorithm"))
                let inflated = try Decompression.inflate(cursor.readRest(), algorithm: algorithm)
                literal = try extract(from: inflated, depth: depth + 1)
            case .onePassSignature, .signature, .marker, .padding:
                continue
            case .symmetricallyEncryptedIntegrityProtectedData, .ocbEncryptedData, .symmetricallyEncryptedData,
                .publicKeyEncryptedSessionKey, .symmetricKeyEncryptedSessionKey:
                throw OpenPGPError(.unsupportedPacket, "the decrypted message is itself encrypted; nested encryption is not supported")
            default:
                throw OpenPGPError(.malformedPacket, "the decrypted message holds an unexpected \(packet.tag)")
            }
        }
        guard let literal else {
            throw OpenPGPError(.malformedPacket, "the decrypted message holds no literal data packet")
        }
        return literal
    }

    /// The data of a literal data packet: after the format octet, file name and 4-byte date.
    private static func literalData(_ body: SecureBytes) throws(OpenPGPError) -> SecureBytes {
        var cursor = ByteCursor(body)
        _ = try cursor.readByte("literal data format")
        _ = try cursor.readLengthPrefixed("literal data file name")
        try cursor.skip(4, "literal data date")
        return SecureBytes(copying: cursor.readRest())
    }
}
