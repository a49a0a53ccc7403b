import COpenSSL

/// ChaCha20-Poly1305 (RFC 8439) with a 32-byte key, 12-byte nonce and 16-byte tag: age stanzas and payload.
public enum ChaCha20Poly1305 {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` and `additionalData`.
    public static func seal(
        key: some Collection<UInt8>, nonce: some Collection<UInt8>, plaintext: some Collection<UInt8>,
        additionalData: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> SealedBox {
        try checkSizes(key: key.count, nonce: nonce.count)
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SealedBox in
            try withContiguousBytes(nonce) { (nonce) throws(CryptoError) -> SealedBox in
                try withContiguousBytes(plaintext) { (plaintext) throws(CryptoError) -> SealedBox in
                    try withContiguousBytes(additionalData) { (aad) throws(CryptoError) -> SealedBox in
                        try AEADEngine.seal(
                            cipher: try cipher(), name: "ChaCha20-Poly1305", key: key, nonce: nonce,
                            plaintext: plaintext, additionalData: aad, tagByteCount: tagByteCount,
                            tagTiming: .beforeFinal)
                    }
                }
            }
        }
    }

    /// Verifies and decrypts; throws `authenticationFailed` on a wrong key, tag, nonce or data.
    public static func open(
        key: some Collection<UInt8>, nonce: some Collection<UInt8>, ciphertext: some Collection<UInt8>,
        tag: some Collection<UInt8>, additionalData: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> SecureBytes {
        try checkSizes(key: key.count, nonce: nonce.count)
        guard tag.count == tagByteCount else {
            throw CryptoError(.invalidTagLength, "a ChaCha20-Poly1305 tag must be \(tagByteCount) bytes, got \(tag.count)")
        }
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(nonce) { (nonce) throws(CryptoError) -> SecureBytes in
                try withContiguousBytes(ciphertext) { (ciphertext) throws(CryptoError) -> SecureBytes in
                    try withContiguousBytes(tag) { (tag) throws(CryptoError) -> SecureBytes in
                        try withContiguousBytes(additionalData) { (aad) throws(CryptoError) -> SecureBytes in
                            try AEADEngine.open(
                                cipher: try cipher(), name: "ChaCha20-Poly1305", key: key, nonce: nonce,
                                ciphertext: ciphertext, tag: tag, additionalData: aad, tagTiming: .beforeFinal)
                        }
                    }
                }
            }
        }
    }

    private static func cipher() throws(CryptoError) -> OpaquePointer {
        try OpenSSL.notNull(EVP_chacha20_poly1305(), "EVP_chacha20_poly1305")
    }

    private static func checkSizes(key: Int, nonce: Int) throws(CryptoError) {
        guard key == keyByteCount else {
            throw CryptoError(.invalidKeyLength, "a ChaCha20-Poly1305 key must be \(keyByteCount) bytes, got \(key)")
        }
        guard nonce == nonceByteCount else {
            throw CryptoError(.invalidNonceLength, "a ChaCha20-Poly1305 nonce must be \(nonceByteCount) bytes, got \(nonce)")
        }
    }
}
