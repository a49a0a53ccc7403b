import COpenSSL

/// The SHA-1 and SHA-2 hash functions (FIPS 180-4) the agent needs.
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case sha1 = "SHA1"
    case sha224 = "SHA224"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"
    /// SHA-512/256 (FIPS 180-4 §5.3.6): SHA-512 with its own initial value, truncated to 32 bytes.
    case sha512_256 = "SHA512-256"

    /// Digest length in bytes.
    public var outputByteCount: Int {
        switch self {
        case .sha1: 20
        case .sha224: 28
        case .sha256, .sha512_256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    public var description: String { rawValue }

    /// The OpenSSL `EVP_MD` for this algorithm.
    var messageDigest: OpaquePointer {
        switch self {
        case .sha1: EVP_sha1()
        case .sha224: EVP_sha224()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        case .sha512_256: EVP_sha512_256()
        }
    }

    /// The name OpenSSL's KDF and MAC parameters expect.
    var parameterName: ImmortalCString {
        switch self {
        case .sha1: HashAlgorithmName.sha1
        case .sha224: HashAlgorithmName.sha224
        case .sha256: HashAlgorithmName.sha256
        case .sha384: HashAlgorithmName.sha384
        case .sha512: HashAlgorithmName.sha512
        case .sha512_256: HashAlgorithmName.sha512_256
        }
    }
}

private enum HashAlgorithmName {
    static let sha1 = ImmortalCString(HashAlgorithm.sha1.rawValue)
    static let sha224 = ImmortalCString(HashAlgorithm.sha224.rawValue)
    static let sha256 = ImmortalCString(HashAlgorithm.sha256.rawValue)
    static let sha384 = ImmortalCString(HashAlgorithm.sha384.rawValue)
    static let sha512 = ImmortalCString(HashAlgorithm.sha512.rawValue)
    static let sha512_256 = ImmortalCString(HashAlgorithm.sha512_256.rawValue)
}
