import COpenSSL

/// One-shot message digests.
public enum Hash {
    /// The digest of `data` under `algorithm`.
    public static func compute(_ algorithm: HashAlgorithm, _ data: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        let hasher = try IncrementalHash(algorithm)
        try hasher.update(data)
        return try hasher.finalize()
    }
}

/// A digest computed over data fed in pieces (SOPS MAC over many values, OpenPGP iterated S2K).
/// Not thread-safe: use one instance per task.
public final class IncrementalHash {
    /// The algorithm this hasher computes.
    public let algorithm: HashAlgorithm
    private let context: OpaquePointer
    private var finished = false

    public init(_ algorithm: HashAlgorithm) throws(CryptoError) {
        self.algorithm = algorithm
        OpenSSL.clearErrors()
        let context = try OpenSSL.notNull(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        guard EVP_DigestInit_ex(context, algorithm.messageDigest, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw OpenSSL.failure("EVP_DigestInit_ex")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds more data.
    public func update(_ data: some Collection<UInt8>) throws(CryptoError) {
        guard !finished else { throw CryptoError(.invalidInput, "hash already finalized") }
        guard !data.isEmpty else { return }
        try withContiguousBytes(data) { (bytes) throws(CryptoError) in
            try OpenSSL.check(EVP_DigestUpdate(context, bytes.baseAddress, bytes.count), "EVP_DigestUpdate")
        }
    }

    /// Returns the digest; the hasher cannot be used afterwards.
    public func finalize() throws(CryptoError) -> [UInt8] {
        guard !finished else { throw CryptoError(.invalidInput, "hash already finalized") }
        finished = true
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        try OpenSSL.check(EVP_DigestFinal_ex(context, &digest, &length), "EVP_DigestFinal_ex")
        return Array(digest[..<Int(length)])
    }
}
