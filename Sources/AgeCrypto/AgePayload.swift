import CryptoPrimitives

/// The age payload: the STREAM construction over ChaCha20-Poly1305 in 64 KiB chunks.
enum AgePayload {
    static let chunkByteCount = 64 * 1024
    static let tagByteCount = 16
    static let encryptedChunkByteCount = chunkByteCount + tagByteCount

    static func payloadKey(fileKey: SecureBytes, nonce: some Collection<UInt8>) throws(AgeError) -> SecureBytes {
        do {
            return try HKDF.deriveKey(
                .sha256, inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
        } catch {
            throw AgeError.cryptographic(error, while: "deriving the payload key")
        }
    }

    /// The 12-byte chunk nonce: 11-byte big-endian counter and the last-chunk flag.
    static func chunkNonce(counter: UInt64, last: Bool) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { nonce[3 + index] = UInt8(truncatingIfNeeded: counter >> UInt64(8 * (7 - index))) }
        nonce[11] = last ? 1 : 0
        return nonce
    }

    /// Decrypts and authenticates chunk by chunk, handing each verified chunk to `release`.
    ///
    /// A full-size chunk may be a middle chunk or the final one, so it is tried as a middle chunk first and
    /// then as the final chunk; a shorter chunk can only be final. Afterwards the stream must end exactly:
    /// no data after the final chunk, no end of data without a final chunk, and an empty final chunk only
    /// when it is the only chunk. Chunks released before such an error were authentic, as in age itself.
    static func decrypt(
        _ payload: ArraySlice<UInt8>, key: SecureBytes, release: (SecureBytes) -> Void
    ) throws(AgeError) {
        guard !payload.isEmpty else {
            throw AgeError(.malformedPayload, "the payload is missing (the file is truncated after the header)")
        }
        var offset = payload.startIndex
        var counter: UInt64 = 0
        while true {
            let remaining = payload.endIndex - offset
            if remaining >= encryptedChunkByteCount {
                let chunkEnd = offset + encryptedChunkByteCount
                let chunk = payload[offset..<chunkEnd]
                if let plaintext = try open(chunk, key: key, counter: counter, last: false) {
                    release(plaintext)
                    guard chunkEnd < payload.endIndex else {
                        throw AgeError(.malformedPayload, "the payload ends without a final chunk (the file is truncated)")
                    }
                    offset = chunkEnd
                    counter += 1
                    continue
                }
                guard let plaintext = try open(chunk, key: key, counter: counter, last: true) else {
                    throw AgeError(.payloadAuthenticationFailed, "payload chunk \(counter) failed authentication (tampered data)")
                }
                release(plaintext)
                guard chunkEnd == payload.endIndex else {
                    throw AgeError(.malformedPayload, "there is data after the final payload chunk")
                }
                return
            }
            guard remaining >= tagByteCount else {
                throw AgeError(.malformedPayload, "payload chunk \(counter) is truncated (shorter than its tag)")
            }
            guard let plaintext = try open(payload[offset...], key: key, counter: counter, last: true) else {
                throw AgeError(
                    .payloadAuthenticationFailed,
                    "payload chunk \(counter) failed authentication (tampered, truncated, or followed by extra data)")
            }
            if plaintext.isEmpty && counter > 0 {
                throw AgeError(.malformedPayload, "the final payload chunk is empty, which is only allowed for an empty payload")
            }
            release(plaintext)
            return
        }
    }

    /// The chunk's plaintext, or nil when it does not authenticate with this counter and flag.
    private static func open(
        _ chunk: ArraySlice<UInt8>, key: SecureBytes, counter: UInt64, last: Bool
    ) throws(AgeError) -> SecureBytes? {
        do {
            return try ChaCha20Poly1305.open(
                key: key, nonce: chunkNonce(counter: counter, last: last),
                ciphertext: chunk.dropLast(tagByteCount), tag: chunk.suffix(tagByteCount))
        } catch {
            if error.code == .authenticationFailed { return nil }
            throw AgeError.cryptographic(error, while: "decrypting payload chunk \(counter)")
        }
    }

    /// Encrypts `plaintext` into STREAM chunks; the final chunk is full-size when the plaintext is a
    /// non-zero multiple of 64 KiB and empty only for an empty plaintext, as age itself writes.
    static func encrypt<Plaintext: Collection<UInt8>>(
        _ plaintext: Plaintext, key: SecureBytes, into output: inout [UInt8]
    ) throws(AgeError) {
        var start = plaintext.startIndex
        var counter: UInt64 = 0
        repeat {
            let end = plaintext.index(start, offsetBy: chunkByteCount, limitedBy: plaintext.endIndex) ?? plaintext.endIndex
            let last = end == plaintext.endIndex
            do {
                let box = try ChaCha20Poly1305.seal(
                    key: key, nonce: chunkNonce(counter: counter, last: last), plaintext: plaintext[start..<end])
                output.append(contentsOf: box.ciphertext)
                output.append(contentsOf: box.tag)
            } catch {
                throw AgeError.cryptographic(error, while: "encrypting payload chunk \(counter)")
            }
            start = end
            counter += 1
        } while start != plaintext.endIndex
    }
}
