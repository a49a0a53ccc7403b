import COpenSSL

/// An RSA private key: PKCS#1 v1.5 decryption (OpenPGP session keys) and PKCS#1 v1.5 signatures
/// (RS256 JWTs for cloud credentials). Immutable after creation; safe to share across tasks.
public final class RSAPrivateKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// Modulus length in bytes (the size of ciphertexts and signatures).
    public let modulusByteCount: Int

    /// Builds a key from raw big-endian components, as OpenPGP stores them. The CRT values are derived from
    /// `d`, `p` and `q`; the components are checked for consistency (`p·q = n`).
    public init(
        modulus: some Collection<UInt8>, publicExponent: some Collection<UInt8>,
        privateExponent: some Collection<UInt8>, prime1: some Collection<UInt8>, prime2: some Collection<UInt8>
    ) throws(CryptoError) {
        OpenSSL.clearErrors()
        let n = try BigNumber.secure(modulus)
        defer { BN_clear_free(n) }
        let e = try BigNumber.secure(publicExponent)
        defer { BN_clear_free(e) }
        let d = try BigNumber.secure(privateExponent)
        defer { BN_clear_free(d) }
        let p = try BigNumber.secure(prime1)
        defer { BN_clear_free(p) }
        let q = try BigNumber.secure(prime2)
        defer { BN_clear_free(q) }
        let context = try OpenSSL.notNull(BN_CTX_secure_new(), "BN_CTX_secure_new")
        defer { BN_CTX_free(context) }
        let scratch = try OpenSSL.notNull(BN_secure_new(), "BN_secure_new")
        defer { BN_clear_free(scratch) }
        let exponent1 = try OpenSSL.notNull(BN_secure_new(), "BN_secure_new")
        defer { BN_clear_free(exponent1) }
        let exponent2 = try OpenSSL.notNull(BN_secure_new(), "BN_secure_new")
        defer { BN_clear_free(exponent2) }
        let coefficient = try OpenSSL.notNull(BN_secure_new(), "BN_secure_new")
        defer { BN_clear_free(coefficient) }

        guard BN_is_odd(n) == 1, BN_is_odd(e) == 1, BN_is_zero(d) == 0,
              BN_is_one(p) == 0, BN_is_one(q) == 0, BN_is_zero(p) == 0, BN_is_zero(q) == 0
        else { throw CryptoError(.invalidKey, "RSA key components are not valid") }
        try OpenSSL.check(BN_mul(scratch, p, q, context), "BN_mul")
        guard BN_cmp(scratch, n) == 0 else {
            throw CryptoError(.invalidKey, "RSA key components are inconsistent (p·q ≠ n)")
        }
        try OpenSSL.check(BN_sub(scratch, p, BN_value_one()), "BN_sub")
        try OpenSSL.check(BN_div(nil, exponent1, d, scratch, context), "BN_div")
        try OpenSSL.check(BN_sub(scratch, q, BN_value_one()), "BN_sub")
        try OpenSSL.check(BN_div(nil, exponent2, d, scratch, context), "BN_div")
        guard BN_mod_inverse(coefficient, q, p, context) != nil else {
            throw OpenSSL.failure("BN_mod_inverse", code: .invalidKey, detail: "RSA primes are not coprime")
        }

        let builder = try OpenSSL.notNull(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new")
        defer { OSSL_PARAM_BLD_free(builder) }
        for (name, value) in [
            (ParameterName.rsaModulus, n), (ParameterName.rsaPublicExponent, e), (ParameterName.rsaPrivateExponent, d),
            (ParameterName.rsaFactor1, p), (ParameterName.rsaFactor2, q),
            (ParameterName.rsaExponent1, exponent1), (ParameterName.rsaExponent2, exponent2),
            (ParameterName.rsaCoefficient1, coefficient),
        ] {
            try OpenSSL.check(OSSL_PARAM_BLD_push_BN(builder, name.pointer, value), "OSSL_PARAM_BLD_push_BN")
        }
        let parameters = try OpenSSL.notNull(OSSL_PARAM_BLD_to_param(builder), "OSSL_PARAM_BLD_to_param")
        defer { OSSL_PARAM_free(parameters) }
        let key = try KeyImport.fromData("RSA", selection: copenssl_selection_keypair(), parameters: parameters, code: .invalidKey)
        self.key = key
        self.modulusByteCount = Int((BN_num_bits(n) + 7) / 8)
    }

    /// Loads an RSA private key from PEM (`BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY`, or an encrypted
    /// PKCS#8 key with `passphrase`). Other PEM blocks in the text (certificates) are skipped.
    public init(pem: String, passphrase: SecureBytes? = nil) throws(CryptoError) {
        OpenSSL.clearErrors()
        var secret = passphrase ?? SecureBytes()
        secret.append(0)
        var pemBytes = Array(pem.utf8)
        defer { pemBytes.wipe() }
        let loaded: OpaquePointer = try withContiguousBytes(pemBytes) { (text) throws(CryptoError) -> OpaquePointer in
            let bio = try OpenSSL.notNull(
                BIO_new_mem_buf(text.baseAddress, try int32Length(text.count)), "BIO_new_mem_buf")
            defer { BIO_free(bio) }
            return try secret.withUnsafeBytes { (passphraseBytes) throws(CryptoError) -> OpaquePointer in
                // A NULL callback with non-NULL user data makes OpenSSL use the data as the passphrase
                // (never prompting on a terminal).
                guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, passphraseBytes.mutableRawPointer) else {
                    throw OpenSSL.failure(
                        "PEM_read_bio_PrivateKey", code: .invalidKey,
                        detail: "no usable PEM private key (missing, malformed, or encrypted with another passphrase)")
                }
                return key
            }
        }
        guard EVP_PKEY_is_a(loaded, "RSA") == 1 else {
            EVP_PKEY_free(loaded)
            throw CryptoError(.invalidKey, "the PEM private key is not an RSA key")
        }
        let size = EVP_PKEY_get_size(loaded)
        guard size > 0 else {
            EVP_PKEY_free(loaded)
            throw OpenSSL.failure("EVP_PKEY_get_size", code: .invalidKey)
        }
        self.key = loaded
        self.modulusByteCount = Int(size)
    }

    deinit { EVP_PKEY_free(key) }

    /// RSAES-PKCS1-v1_5 decryption. A ciphertext shorter than the modulus (OpenPGP strips leading zeros)
    /// is left-padded. Throws `decryptionFailed` for a wrong key or bad padding.
    public func decryptPKCS1v15(_ ciphertext: some Collection<UInt8>) throws(CryptoError) -> SecureBytes {
        guard !ciphertext.isEmpty, ciphertext.count <= modulusByteCount else {
            throw CryptoError(.invalidInput, "an RSA ciphertext must be 1 to \(modulusByteCount) bytes, got \(ciphertext.count)")
        }
        var padded = [UInt8](repeating: 0, count: modulusByteCount - ciphertext.count)
        padded.append(contentsOf: ciphertext)
        OpenSSL.clearErrors()
        let context = try OpenSSL.notNull(EVP_PKEY_CTX_new_from_pkey(nil, key, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try OpenSSL.check(EVP_PKEY_decrypt_init(context), "EVP_PKEY_decrypt_init")
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING), "EVP_PKEY_CTX_set_rsa_padding")
        return try SecureBytes(capacity: modulusByteCount) { (output) throws(CryptoError) -> Int in
            var length = output.count
            guard EVP_PKEY_decrypt(
                context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, padded, padded.count) > 0
            else {
                OpenSSL.clearErrors()
                throw CryptoError(.decryptionFailed, "RSA PKCS#1 v1.5 decryption failed: wrong key or corrupted ciphertext")
            }
            return length
        }
    }

    /// RSASSA-PKCS1-v1_5 signature of `message` hashed with `digest` (SHA-256 gives JWT's RS256).
    public func signPKCS1v15(_ message: some Collection<UInt8>, digest: HashAlgorithm = .sha256) throws(CryptoError) -> [UInt8] {
        OpenSSL.clearErrors()
        let context = try OpenSSL.notNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        try OpenSSL.check(EVP_DigestSignInit(context, &keyContext, digest.messageDigest, nil, key), "EVP_DigestSignInit")
        try OpenSSL.check(
            EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING), "EVP_PKEY_CTX_set_rsa_padding")
        return try withContiguousBytes(message) { (message) throws(CryptoError) -> [UInt8] in
            var length = 0
            try OpenSSL.check(
                EVP_DigestSign(context, nil, &length, message.bytePointer, message.count), "EVP_DigestSign")
            var signature = [UInt8](repeating: 0, count: length)
            try OpenSSL.check(
                EVP_DigestSign(context, &signature, &length, message.bytePointer, message.count), "EVP_DigestSign")
            return Array(signature[..<length])
        }
    }
}
