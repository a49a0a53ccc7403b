import CryptoPrimitives

/// Public-key algorithm IDs (RFC 9580 §9.1).
struct PublicKeyAlgorithm: RawRepresentable, Hashable, CustomStringConvertible {
    let rawValue: UInt8

    static let rsaEncryptOrSign = PublicKeyAlgorithm(rawValue: 1)
    static let rsaEncryptOnly = PublicKeyAlgorithm(rawValue: 2)
    static let rsaSignOnly = PublicKeyAlgorithm(rawValue: 3)
    static let elgamal = PublicKeyAlgorithm(rawValue: 16)
    static let dsa = PublicKeyAlgorithm(rawValue: 17)
    static let ecdh = PublicKeyAlgorithm(rawValue: 18)
    static let ecdsa = PublicKeyAlgorithm(rawValue: 19)
    static let elgamalEncryptOrSign = PublicKeyAlgorithm(rawValue: 20)
    static let eddsaLegacy = PublicKeyAlgorithm(rawValue: 22)
    static let x25519 = PublicKeyAlgorithm(rawValue: 25)
    static let x448 = PublicKeyAlgorithm(rawValue: 26)
    static let ed25519 = PublicKeyAlgorithm(rawValue: 27)
    static let ed448 = PublicKeyAlgorithm(rawValue: 28)

    var isRSA: Bool { self == .rsaEncryptOrSign || self == .rsaEncryptOnly || self == .rsaSignOnly }

    var description: String {
        switch self {
        case .rsaEncryptOrSign, .rsaEncryptOnly, .rsaSignOnly: "RSA"
        case .elgamal, .elgamalEncryptOrSign: "Elgamal"
        case .dsa: "DSA"
        case .ecdh: "ECDH"
        case .ecdsa: "ECDSA"
        case .eddsaLegacy: "EdDSA"
        case .x25519: "X25519"
        case .x448: "X448"
        case .ed25519: "Ed25519"
        case .ed448: "Ed448"
        default: "public-key algorithm \(rawValue)"
        }
    }
}

/// Symmetric cipher IDs (RFC 9580 §9.3). Only AES is supported for decryption.
struct SymmetricAlgorithm: RawRepresentable, Hashable, CustomStringConvertible {
    let rawValue: UInt8

    static let aes128 = SymmetricAlgorithm(rawValue: 7)
    static let aes192 = SymmetricAlgorithm(rawValue: 8)
    static let aes256 = SymmetricAlgorithm(rawValue: 9)

    /// The AES key length, or nil for a cipher this implementation does not support.
    var aesKeyByteCount: Int? {
        switch rawValue {
        case 7: 16
        case 8: 24
        case 9: 32
        default: nil
        }
    }

    /// The key length, or an `unsupportedAlgorithm` error naming the cipher.
    func requireAES(_ context: String) throws(OpenPGPError) -> Int {
        guard let count = aesKeyByteCount else {
            throw OpenPGPError(.unsupportedAlgorithm, "\(context) uses the \(self) cipher; only AES-128, AES-192 and AES-256 are supported")
        }
        return count
    }

    var description: String {
        switch rawValue {
        case 0: "plaintext (0)"
        case 1: "IDEA (1)"
        case 2: "TripleDES (2)"
        case 3: "CAST5 (3)"
        case 4: "Blowfish (4)"
        case 7: "AES-128"
        case 8: "AES-192"
        case 9: "AES-256"
        case 10: "Twofish (10)"
        case 11: "Camellia-128 (11)"
        case 12: "Camellia-192 (12)"
        case 13: "Camellia-256 (13)"
        default: "symmetric algorithm \(rawValue)"
        }
    }
}

/// AEAD mode IDs (RFC 9580 §9.6).
struct AEADMode: RawRepresentable, Hashable, CustomStringConvertible {
    let rawValue: UInt8

    static let eax = AEADMode(rawValue: 1)
    static let ocb = AEADMode(rawValue: 2)
    static let gcm = AEADMode(rawValue: 3)

    var nonceByteCount: Int? {
        switch self {
        case .eax: 16
        case .ocb: 15
        case .gcm: 12
        default: nil
        }
    }

    var description: String {
        switch self {
        case .eax: "EAX"
        case .ocb: "OCB"
        case .gcm: "GCM"
        default: "AEAD mode \(rawValue)"
        }
    }
}

/// Hash algorithm IDs (RFC 9580 §9.5) as used by the ECDH key derivation.
struct HashAlgorithmID: RawRepresentable, Hashable, CustomStringConvertible {
    let rawValue: UInt8

    var algorithm: HashAlgorithm? {
        switch rawValue {
        case 2: .sha1
        case 8: .sha256
        case 9: .sha384
        case 10: .sha512
        case 11: .sha224
        default: nil
        }
    }

    var description: String {
        switch rawValue {
        case 1: "MD5 (1)"
        case 2: "SHA-1"
        case 3: "RIPEMD-160 (3)"
        case 8: "SHA2-256"
        case 9: "SHA2-384"
        case 10: "SHA2-512"
        case 11: "SHA2-224"
        case 12: "SHA3-256 (12)"
        case 14: "SHA3-512 (14)"
        default: "hash algorithm \(rawValue)"
        }
    }
}

/// Compression algorithm IDs (RFC 9580 §9.4).
struct CompressionAlgorithm: RawRepresentable, Hashable, CustomStringConvertible {
    let rawValue: UInt8

    static let uncompressed = CompressionAlgorithm(rawValue: 0)
    static let zip = CompressionAlgorithm(rawValue: 1)
    static let zlib = CompressionAlgorithm(rawValue: 2)
    static let bzip2 = CompressionAlgorithm(rawValue: 3)

    var description: String {
        switch self {
        case .uncompressed: "uncompressed"
        case .zip: "ZIP"
        case .zlib: "ZLIB"
        case .bzip2: "BZip2"
        default: "compression algorithm \(rawValue)"
        }
    }
}
