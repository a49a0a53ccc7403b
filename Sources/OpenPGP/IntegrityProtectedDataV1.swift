import CryptoPrimitives

/// SEIPD v1 (RFC 9580 §5.13.1): AES-CFB with a zero IV over a block of random prefix, its last two
/// bytes repeated, the data, and an MDC packet (`D3 14` ‖ SHA-1 of everything before the hash).
enum IntegrityProtectedDataV1 {
    static func decrypt(_ ciphertext: SecureBytes, algorithm: SymmetricAlgorithm, key: SecureBytes) throws(OpenPGPError) -> SecureBytes {
        let keyLength = try algorithm.requireAES("the message")
        guard key.count == keyLength else {
            throw OpenPGPError(.decryptionFailed, "the session key has the wrong length for \(algorithm)")
        }
        let blockSize = 16
        guard ciphertext.count >= blockSize + 2 + 22 else {
            throw OpenPGPError(.malformedPacket, "the SEIPD packet is too short to hold its prefix and MDC")
        }
        let plaintext: SecureBytes
        do {
            plaintext = try AESCFB.decrypt(key: key, iv: [UInt8](repeating: 0, count: blockSize), ciphertext: ciphertext)
        } catch {
            throw OpenPGPError(.decryptionFailed, "AES-CFB decryption failed: \(error.message)")
        }
        let quickCheckPassed = plaintext[blockSize - 2] == plaintext[blockSize] && plaintext[blockSize - 1] == plaintext[blockSize + 1]
        let mdcStart = plaintext.count - 22
        var expected: [UInt8] = []
        do {
            expected = try Hash.compute(.sha1, plaintext[0..<(mdcStart + 2)])
        } catch {
            throw OpenPGPError(.integrityCheckFailed, "cannot compute the MDC: \(error.message)")
        }
        let mdcHeaderMatches = plaintext[mdcStart] == 0xD3 && plaintext[mdcStart + 1] == 0x14
        guard quickCheckPassed, mdcHeaderMatches,
              ConstantTime.isEqual(expected, plaintext[(mdcStart + 2)..<plaintext.count])
        else {
            throw OpenPGPError(
                .integrityCheckFailed,
                "the encrypted data failed its modification detection check (MDC): wrong session key, or the message was modified or truncated")
        }
        return SecureBytes(copying: plaintext[(blockSize + 2)..<mdcStart])
    }
}
