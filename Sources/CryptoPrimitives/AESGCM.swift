import COpenSSL

/// AES-GCM (NIST SP 800-38D) with 128/192/256-bit keys, any nonce length (SOPS uses 32 bytes) and
/// 16-byte tags.
public enum AESGCM {
    /// The tag length this API produces and accepts.
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` and `additionalData`.
    public static func seal(
        key: some Collection<UInt8>, nonce: some Collection<UInt8>, plaintext: some Collection<UInt8>,
        additionalData: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> SealedBox {
        let cipher = try AESCipher.gcm(keyByteCount: key.count)
        try checkNonce(nonce.count)
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SealedBox in
            try withContiguousBytes(nonce) { (nonce) throws(CryptoError) -> SealedBox in
                try withContiguousBytes(plaintext) { (plaintext) throws(CryptoError) -> SealedBox in
                    try withContiguousBytes(additionalData) { (aad) throws(CryptoError) -> SealedBox in
                        try AEADEngine.seal(
                            cipher: cipher, name: "AES-GCM", key: key, nonce: nonce, plaintext: plaintext,
                            additionalData: aad, tagByteCount: tagByteCount, tagTiming: .beforeFinal)
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
        let cipher = try AESCipher.gcm(keyByteCount: key.count)
        try checkNonce(nonce.count)
        guard tag.count == tagByteCount else {
            throw CryptoError(.invalidTagLength, "an AES-GCM tag must be \(tagByteCount) bytes, got \(tag.count)")
        }
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(nonce) { (nonce) throws(CryptoError) -> SecureBytes in
                try withContiguousBytes(ciphertext) { (ciphertext) throws(CryptoError) -> SecureBytes in
                    try withContiguousBytes(tag) { (tag) throws(CryptoError) -> SecureBytes in
                        try withContiguousBytes(additionalData) { (aad) throws(CryptoError) -> SecureBytes in
                            try AEADEngine.open(
                                cipher: cipher, name: "AES-GCM", key: key, nonce: nonce, ciphertext: ciphertext,
                                tag: tag, additionalData: aad, tagTiming: .beforeFinal)
                        }
                    }
                }
            }
        }
    }

    private static func checkNonce(_ count: Int) throws(CryptoError) {
        guard count >= 1, count <= 1024 else {
            throw CryptoError(.invalidNonceLength, "an AES-GCM nonce must be 1 to 1024 bytes, got \(count)")
        }
    }
}

/// Picks the AES `EVP_CIPHER` for a mode from the key length.
enum AESCipher {
    static func gcm(keyByteCount: Int) throws(CryptoError) -> OpaquePointer {
        try select(keyByteCount, EVP_aes_128_gcm, EVP_aes_192_gcm, EVP_aes_256_gcm)
    }
    static func ocb(keyByteCount: Int) throws(CryptoError) -> OpaquePointer {
        try select(keyByteCount, EVP_aes_128_ocb, EVP_aes_192_ocb, EVP_aes_256_ocb)
    }
    static func cfb128(keyByteCount: Int) throws(CryptoError) -> OpaquePointer {
        try select(keyByteCount, EVP_aes_128_cfb128, EVP_aes_192_cfb128, EVP_aes_256_cfb128)
    }
    static func keyWrap(keyByteCount: Int) throws(CryptoError) -> OpaquePointer {
        try select(keyByteCount, EVP_aes_128_wrap, EVP_aes_192_wrap, EVP_aes_256_wrap)
    }

    private static func select(
        _ keyByteCount: Int,
        _ aes128: () -> OpaquePointer?, _ aes192: () -> OpaquePointer?, _ aes256: () -> OpaquePointer?
    ) throws(CryptoError) -> OpaquePointer {
        let cipher: OpaquePointer?
        switch keyByteCount {
        case 16: cipher = aes128()
        case 24: cipher = aes192()
        case 32: cipher = aes256()
        default:
            throw CryptoError(.invalidKeyLength, "an AES key must be 16, 24 or 32 bytes, got \(keyByteCount)")
        }
        return try OpenSSL.notNull(cipher, "EVP_aes_*")
    }
}
