import COpenSSL

/// An X.509 certificate loaded from PEM, for client-certificate credentials (Azure's `x5t` thumbprint).
public struct X509Certificate: Sendable, Hashable {
    /// The DER encoding of the certificate.
    public let derEncoded: [UInt8]

    /// Loads the first certificate in `pem` (other PEM blocks, such as a private key, are skipped).
    public init(pem: String) throws(CryptoError) {
        OpenSSL.clearErrors()
        let pemBytes = Array(pem.utf8)
        derEncoded = try withContiguousBytes(pemBytes) { (text) throws(CryptoError) -> [UInt8] in
            let bio = try OpenSSL.notNull(
                BIO_new_mem_buf(text.baseAddress, try int32Length(text.count)), "BIO_new_mem_buf")
            defer { BIO_free(bio) }
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw OpenSSL.failure("PEM_read_bio_X509", code: .invalidInput, detail: "no PEM certificate found")
            }
            defer { X509_free(certificate) }
            let length = i2d_X509(certificate, nil)
            guard length > 0 else { throw OpenSSL.failure("i2d_X509") }
            var der = [UInt8](repeating: 0, count: Int(length))
            let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
                return i2d_X509(certificate, &cursor)
            }
            guard written == length else { throw OpenSSL.failure("i2d_X509") }
            return der
        }
    }

    /// The hash of the DER encoding: SHA-1 is the classic thumbprint (`x5t`), SHA-256 is `x5t#S256`.
    public func thumbprint(_ algorithm: HashAlgorithm = .sha1) throws(CryptoError) -> [UInt8] {
        try Hash.compute(algorithm, derEncoded)
    }
}
