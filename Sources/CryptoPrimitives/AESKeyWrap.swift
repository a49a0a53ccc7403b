import COpenSSL

/// AES key wrap (RFC 3394, default IV), as OpenPGP ECDH uses to protect session keys.
public enum AESKeyWrap {
    /// Wraps `keyToWrap` (a multiple of 8 bytes, at least 16) under the key-encryption key `kek`.
    public static func wrap(_ keyToWrap: some Collection<UInt8>, kek: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        guard keyToWrap.count >= 16, keyToWrap.count % 8 == 0 else {
            throw CryptoError(.invalidInput, "AES key wrap input must be a multiple of 8 bytes and at least 16, got \(keyToWrap.count)")
        }
        let output = try run(keyToWrap, kek: kek, encrypt: true)
        guard output.count == keyToWrap.count + 8 else {
            throw CryptoError(.libraryFailure, "AES key wrap produced \(output.count) bytes")
        }
        return Array(output)
    }

    /// Unwraps `wrappedKey`; throws `authenticationFailed` when the integrity check fails (wrong KEK or data).
    public static func unwrap(_ wrappedKey: some Collection<UInt8>, kek: some Collection<UInt8>) throws(CryptoError) -> SecureBytes {
        guard wrappedKey.count >= 24, wrappedKey.count % 8 == 0 else {
            throw CryptoError(.invalidInput, "a wrapped key must be a multiple of 8 bytes and at least 24, got \(wrappedKey.count)")
        }
        let output = try run(wrappedKey, kek: kek, encrypt: false)
        guard output.count == wrappedKey.count - 8 else {
            throw CryptoError(.libraryFailure, "AES key unwrap produced \(output.count) bytes")
        }
        return output
    }

    private static func run(
        _ input: some Collection<UInt8>, kek: some Collection<UInt8>, encrypt: Bool
    ) throws(CryptoError) -> SecureBytes {
        let cipher = try AESCipher.keyWrap(keyByteCount: kek.count)
        return try withContiguousBytes(kek) { (kek) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(input) { (input) throws(CryptoError) -> SecureBytes in
                try BlockCipherRun.run(
                    cipher: cipher, key: kek, iv: nil, input: input, encrypt: encrypt,
                    flags: Int32(EVP_CIPHER_CTX_FLAG_WRAP_ALLOW),
                    failureCode: encrypt ? .libraryFailure : .authenticationFailed,
                    failureMessage: encrypt ? nil : "AES key unwrap integrity check failed: wrong key or tampered data")
            }
        }
    }
}
