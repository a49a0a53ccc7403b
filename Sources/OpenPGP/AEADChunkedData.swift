import CryptoPrimitives

/// Chunked AEAD encrypted data, in its two framings:
/// - SEIPD v2 (RFC 9580 §5.13.2): key and nonce prefix from HKDF-SHA-256(session key, salt,
///   `D2 02 cipher mode c`); nonce = prefix ‖ 8-byte chunk index; AAD = `D2 02 cipher mode c`.
/// - LibrePGP OCB Encrypted Data (tag 20, GnuPG 2.3+): the session key directly; nonce = IV with its
///   last 8 bytes XORed with the chunk index; AAD = `D4 01 cipher mode c` ‖ 8-byte chunk index.
/// Both end with a tag over empty data whose AAD adds the 8-byte total plaintext length.
struct AEADChunkedData {
    enum Format { case seipdVersion2, ocbEncryptedData }

    static let tagByteCount = 16

    let format: Format
    let cipher: SymmetricAlgorithm
    let mode: AEADMode
    let chunkSizeOctet: UInt8
    /// The 32-byte salt (SEIPD v2) or the starting IV (OCB Encrypted Data).
    let initializationMaterial: [UInt8]
    let encrypted: SecureBytes
    let keyByteCount: Int
    let nonceByteCount: Int

    init(
        format: Format, cipher: SymmetricAlgorithm, mode: AEADMode, chunkSizeOctet: UInt8,
        initializationMaterial: [UInt8], encrypted: SecureBytes
    ) throws(OpenPGPError) {
        let name = format == .seipdVersion2 ? "SEIPD version 2 packet" : "OCB encrypted data packet"
        keyByteCount = try cipher.requireAES("the \(name)")
        switch mode {
        case .ocb:
            break
        case .gcm where format == .seipdVersion2:
            break
        case .eax:
            throw OpenPGPError(
                .unsupportedAlgorithm, "the \(name) uses the EAX AEAD mode, which is not supported (only OCB and GCM)")
        default:
            throw OpenPGPError(.unsupportedAlgorithm, "the \(name) uses \(mode), which is not supported")
        }
        // RFC 9580 caps the chunk size octet at 16; GnuPG's own limit for its OCB packets is higher.
        let maximumChunkOctet: UInt8 = format == .seipdVersion2 ? 16 : 56
        guard chunkSizeOctet <= maximumChunkOctet else {
            throw OpenPGPError(.malformedPacket, "the \(name) has an invalid chunk size octet \(chunkSizeOctet)")
        }
        guard encrypted.count >= Self.tagByteCount else {
            throw OpenPGPError(.malformedPacket, "the \(name) is too short to hold its final authentication tag")
        }
        self.format = format
        self.cipher = cipher
        self.mode = mode
        self.chunkSizeOctet = chunkSizeOctet
        self.initializationMaterial = initializationMaterial
        self.encrypted = encrypted
        self.nonceByteCount = mode.nonceByteCount ?? 0
    }

    private var headerAAD: [UInt8] {
        format == .seipdVersion2
            ? [0xD2, 0x02, cipher.rawValue, mode.rawValue, chunkSizeOctet]
            : [0xD4, 0x01, cipher.rawValue, mode.rawValue, chunkSizeOctet]
    }

    func decrypt(with sessionKey: SessionKey) throws(OpenPGPError) -> SecureBytes {
        // RFC 9580: v6 session key packets go with SEIPD v2 only; LibrePGP's OCB packet uses v3 ones.
        switch (format, sessionKey.algorithm) {
        case (.seipdVersion2, .some):
            throw OpenPGPError(.malformedPacket, "a SEIPD version 2 packet must follow version 6 session key packets, not version 3")
        case (.ocbEncryptedData, .none):
            throw OpenPGPError(.malformedPacket, "an OCB encrypted data packet must follow version 3 session key packets, not version 6")
        default:
            break
        }
        guard sessionKey.key.count == keyByteCount else {
            throw OpenPGPError(.decryptionFailed, "the session key has the wrong length for \(cipher)")
        }
        let messageKey: SecureBytes
        let nonceBase: [UInt8]
        switch format {
        case .seipdVersion2:
            let derived: SecureBytes
            do {
                derived = try HKDF.deriveKey(
                    .sha256, inputKeyMaterial: sessionKey.key, salt: initializationMaterial, info: headerAAD,
                    outputByteCount: keyByteCount + nonceByteCount - 8)
            } catch {
                throw OpenPGPError(.decryptionFailed, "deriving the message key failed: \(error.message)")
            }
            messageKey = SecureBytes(copying: derived[0..<keyByteCount])
            nonceBase = Array(derived[keyByteCount...]) + [UInt8](repeating: 0, count: 8)
        case .ocbEncryptedData:
            messageKey = sessionKey.key
            nonceBase = initializationMaterial
        }

        let chunkSize = 1 << (Int(chunkSizeOctet) + 6)
        let body = encrypted.count - Self.tagByteCount
        var plaintext = SecureBytes()
        var offset = 0
        var index: UInt64 = 0
        while offset < body {
            let length = min(body - offset, chunkSize + Self.tagByteCount)
            guard length >= Self.tagByteCount else {
                throw OpenPGPError(.malformedPacket, "the last AEAD chunk is too short to hold its authentication tag")
            }
            let ciphertextEnd = offset + length - Self.tagByteCount
            let chunk = try open(
                key: messageKey, nonce: nonce(nonceBase, index), ciphertext: encrypted[offset..<ciphertextEnd],
                tag: encrypted[ciphertextEnd..<(offset + length)], additionalData: chunkAAD(index), chunk: index)
            guard plaintext.count + chunk.count <= Limits.maximumPlaintextLength else {
                throw OpenPGPError(.limitExceeded, "the decrypted data is larger than \(Limits.maximumPlaintextLength >> 20) MiB")
            }
            plaintext.append(contentsOf: chunk)
            offset += length
            index += 1
        }
        var finalAAD = chunkAAD(index)
        finalAAD.append(contentsOf: bigEndian(UInt64(plaintext.count)))
        _ = try open(
            key: messageKey, nonce: nonce(nonceBase, index), ciphertext: encrypted[body..<body],
            tag: encrypted[body..<encrypted.count], additionalData: finalAAD, chunk: nil)
        return plaintext
    }

    private func chunkAAD(_ index: UInt64) -> [UInt8] {
        format == .seipdVersion2 ? headerAAD : headerAAD + bigEndian(index)
    }

    private func nonce(_ base: [UInt8], _ index: UInt64) -> [UInt8] {
        var nonce = base
        let counter = bigEndian(index)
        for position in 0..<8 { nonce[nonce.count - 8 + position] ^= counter[position] }
        return nonce
    }

    private func open(
        key: SecureBytes, nonce: [UInt8], ciphertext: Slice<SecureBytes>, tag: Slice<SecureBytes>,
        additionalData: [UInt8], chunk: UInt64?
    ) throws(OpenPGPError) -> SecureBytes {
        do {
            switch mode {
            case .gcm:
                return try AESGCM.open(key: key, nonce: nonce, ciphertext: ciphertext, tag: tag, additionalData: additionalData)
            default:
                return try AESOCB.open(key: key, nonce: nonce, ciphertext: ciphertext, tag: tag, additionalData: additionalData)
            }
        } catch {
            let which = chunk.map { "chunk \($0)" } ?? "the final authentication tag"
            throw OpenPGPError(
                .integrityCheckFailed,
                "AEAD (\(cipher)-\(mode)) authentication of \(which) failed: wrong session key, or the message was modified or truncated")
        }
    }
}

private func bigEndian(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
}
