import COpenSSL

/// AES in full-block CFB mode (CFB128, NIST SP 800-38A), as OpenPGP uses for SEIPD v1 and protected keys.
public enum AESCFB {
    /// Encrypts `plaintext` with a 16-byte `iv`.
    public static func encrypt(
        key: some Collection<UInt8>, iv: some Collection<UInt8>, plaintext: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        let output = try run(key: key, iv: iv, input: plaintext, encrypt: true)
        return Array(output)
    }

    /// Decrypts `ciphertext` with a 16-byte `iv`. CFB has no integrity check: callers verify (MDC, checksum).
    public static func decrypt(
        key: some Collection<UInt8>, iv: some Collection<UInt8>, ciphertext: some Collection<UInt8>
    ) throws(CryptoError) -> SecureBytes {
        try run(key: key, iv: iv, input: ciphertext, encrypt: false)
    }

    private static func run(
        key: some Collection<UInt8>, iv: some Collection<UInt8>, input: some Collection<UInt8>, encrypt: Bool
    ) throws(CryptoError) -> SecureBytes {
        let cipher = try AESCipher.cfb128(keyByteCount: key.count)
        guard iv.count == 16 else { throw CryptoError(.invalidNonceLength, "an AES-CFB IV must be 16 bytes, got \(iv.count)") }
        return try withContiguousBytes(key) { (key) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(iv) { (iv) throws(CryptoError) -> SecureBytes in
                try withContiguousBytes(input) { (input) throws(CryptoError) -> SecureBytes in
                    try BlockCipherRun.run(cipher: cipher, key: key, iv: iv, input: input, encrypt: encrypt, flags: 0)
                }
            }
        }
    }
}

/// A single-shot `EVP_CipherInit_ex`/`Update`/`Final` run without padding.
enum BlockCipherRun {
    static func run(
        cipher: OpaquePointer, key: UnsafeRawBufferPointer, iv: UnsafeRawBufferPointer?,
        input: UnsafeRawBufferPointer, encrypt: Bool, flags: Int32,
        failureCode: CryptoError.Code = .libraryFailure, failureMessage: String? = nil
    ) throws(CryptoError) -> SecureBytes {
        OpenSSL.clearErrors()
        let context = try OpenSSL.notNull(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }
        if flags != 0 { EVP_CIPHER_CTX_set_flags(context, flags) }
        try OpenSSL.check(
            EVP_CipherInit_ex(context, cipher, nil, key.bytePointer, iv?.bytePointer, encrypt ? 1 : 0),
            "EVP_CipherInit_ex")
        try OpenSSL.check(EVP_CIPHER_CTX_set_padding(context, 0), "EVP_CIPHER_CTX_set_padding")
        return try SecureBytes(capacity: input.count + 32) { (output) throws(CryptoError) -> Int in
            let base = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var length: Int32 = 0
            var written = 0
            if input.count > 0 {
                guard EVP_CipherUpdate(context, base, &length, input.bytePointer, try int32Length(input.count)) > 0 else {
                    throw OpenSSL.failure("EVP_CipherUpdate", code: failureCode, detail: failureMessage)
                }
                written = Int(length)
            }
            guard EVP_CipherFinal_ex(context, base + written, &length) > 0 else {
                throw OpenSSL.failure("EVP_CipherFinal_ex", code: failureCode, detail: failureMessage)
            }
            return written + Int(length)
        }
    }
}
