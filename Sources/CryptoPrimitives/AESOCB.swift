import COpenSSL

/// AES-OCB (RFC 7253) with 128/192/256-bit keys: OpenPGP OCB packets use 15-byte nonces and 16-byte tags.
public enum AESOCB {
    /// Encrypts and authenticates; `tagByteCount` is 16 for OpenPGP (RFC 7253 allows 1...16).
    public static func seal(
        key: some Collection<UInt8>, nonce: some Collection<UInt8>, plaintext: some Collection<UInt8>,
        additionalData: some Collection<UInt8> = [UInt8](), tagByteCount: Int = 16
    ) throws(CryptoError) -> SealedBox {
        let cipher = try AESCipher.ocb(keyByteCount: key.count)
        try checkNonce(nonce.count)
        try checkTag(tagByteCount)
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SealedBox in
            try withContiguousBytes(nonce) { (nonce) throws(CryptoError) -> SealedBox in
                try withContiguousBytes(plaintext) { (plaintext) throws(CryptoError) -> SealedBox in
                    try withContiguousBytes(additionalData) { (aad) throws(CryptoError) -> SealedBox in
                        try AEADEngine.seal(
                            cipher: cipher, name: "AES-OCB", key: key, nonce: nonce, plaintext: plaintext,
                            additionalData: aad, tagByteCount: tagByteCount, tagTiming: .beforeKey)
                    }
                }
            }
        }
    }

    /// Verifies and decrypts; the tag length is taken from `tag`. Throws `authenticationFailed` on mismatch.
    public static func open(
        key: some Collection<UInt8>, nonce: some Collection<UInt8>, ciphertext: some Collection<UInt8>,
        tag: some Collection<UInt8>, additionalData: some Collection<UInt8> = [UInt8]()
    ) throws(CryptoError) -> SecureBytes {
        let cipher = try AESCipher.ocb(keyByteCount: key.count)
        try checkNonce(nonce.count)
        try checkTag(tag.count)
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(nonce) { (nonce) throws(CryptoError) -> SecureBytes in
                try withContiguousBytes(ciphertext) { (ciphertext) throws(CryptoError) -> SecureBytes in
                    try withContiguousBytes(tag) { (tag) throws(CryptoError) -> SecureBytes in
                        try withContiguousBytes(additionalData) { (aad) throws(CryptoError) -> SecureBytes in
                            try AEADEngine.open(
                                cipher: cipher, name: "AES-OCB", key: key, nonce: nonce, ciphertext: ciphertext,
                                tag: tag, additionalData: aad, tagTiming: .beforeKey)
                        }
                    }
                }
            }
        }
    }

    private static func checkNonce(_ count: Int) throws(CryptoError) {
        guard count >= 1, count <= 15 else {
            throw CryptoError(.invalidNonceLength, "an AES-OCB nonce must be 1 to 15 bytes, got \(count)")
        }
    }

    private static func checkTag(_ count: Int) throws(CryptoError) {
        guard count >= 1, count <= 16 else {
            throw CryptoError(.invalidTagLength, "an AES-OCB tag must be 1 to 16 bytes, got \(count)")
        }
    }
}
