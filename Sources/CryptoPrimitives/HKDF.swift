import COpenSSL

/// HKDF extract-and-expand (RFC 5869), used by age, OpenPGP v6/SEIPD v2 and others.
public enum HKDF {
    /// Derives `outputByteCount` bytes. An empty `salt` means "no salt" (HashLen zero bytes, RFC 5869 §2.2).
    public static func deriveKey(
        _ algorithm: HashAlgorithm,
        inputKeyMaterial: some Collection<UInt8>,
        salt: some Collection<UInt8>,
        info: some Collection<UInt8>,
        outputByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        guard outputByteCount > 0, outputByteCount <= 255 * algorithm.outputByteCount else {
            throw CryptoError(.invalidInput, "HKDF output length \(outputByteCount) is out of range for \(algorithm)")
        }
        guard !inputKeyMaterial.isEmpty else {
            throw CryptoError(.invalidInput, "HKDF input key material is empty")
        }
        return try withContiguousBytes(inputKeyMaterial) { (ikm) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(salt) { (saltBytes) throws(CryptoError) -> SecureBytes in
                try withContiguousBytes(info) { (infoBytes) throws(CryptoError) -> SecureBytes in
                    var parameters: [OpenSSLParameter] = [
                        .text(ParameterName.digest, algorithm.parameterName),
                        .octets(ParameterName.key, ikm),
                    ]
                    if saltBytes.count > 0 { parameters.append(.octets(ParameterName.salt, saltBytes)) }
                    if infoBytes.count > 0 { parameters.append(.octets(ParameterName.info, infoBytes)) }
                    return try KeyDerivation.derive("HKDF", parameters: parameters, outputByteCount: outputByteCount)
                }
            }
        }
    }
}

/// Runs an `EVP_KDF` by name with the given parameters.
enum KeyDerivation {
    static func derive(
        _ name: String, parameters: [OpenSSLParameter], outputByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        OpenSSL.clearErrors()
        let kdf = try OpenSSL.notNull(EVP_KDF_fetch(nil, name, nil), "EVP_KDF_fetch")
        defer { EVP_KDF_free(kdf) }
        let context = try OpenSSL.notNull(EVP_KDF_CTX_new(kdf), "EVP_KDF_CTX_new")
        defer { EVP_KDF_CTX_free(context) }
        return try withOpenSSLParameters(parameters) { (array) throws(CryptoError) -> SecureBytes in
            try SecureBytes(capacity: outputByteCount) { (output) throws(CryptoError) -> Int in
                try OpenSSL.check(
                    EVP_KDF_derive(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), outputByteCount, array),
                    "EVP_KDF_derive", code: .invalidInput)
                return outputByteCount
            }
        }
    }
}
