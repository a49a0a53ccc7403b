import COpenSSL

/// HMAC (RFC 2104) over the SHA families: the age header MAC, AWS SigV4 and other signatures.
public enum HMAC {
    /// The authentication code of `message` under `key`.
    public static func compute(
        _ algorithm: HashAlgorithm, key: some Collection<UInt8>, message: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        OpenSSL.clearErrors()
        return try withContiguousBytes(key) { (keyBytes) throws(CryptoError) -> [UInt8] in
            try withContiguousBytes(message) { (messageBytes) throws(CryptoError) -> [UInt8] in
                var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
                var length = 0
                let result = EVP_Q_mac(
                    nil, "HMAC", nil, algorithm.rawValue, nil,
                    keyBytes.bytePointer, keyBytes.count,
                    messageBytes.bytePointer, messageBytes.count,
                    &output, output.count, &length)
                guard result != nil else { throw OpenSSL.failure("EVP_Q_mac") }
                return Array(output[..<length])
            }
        }
    }
}
