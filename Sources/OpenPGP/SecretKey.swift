import CryptoPrimitives

/// One primary key or subkey read from a Secret-Key or Secret-Subkey packet: its identity (fingerprint,
/// key ID) and, when it is an unprotected decryption key, the secret material to recover session keys.
final class SecretKey: Sendable {
    let version: Int
    let algorithm: PublicKeyAlgorithm
    let fingerprint: [UInt8]
    let primaryFingerprint: [UInt8]
    let isSubkey: Bool
    /// Algorithm and size or curve, for messages: "RSA 3072", "ECDH NIST P-256", "X25519".
    let algorithmDescription: String
    /// What decrypts session keys; nil for signing-only keys and keys with a `problem`.
    let decryptionMaterial: DecryptionMaterial?
    /// Why a key whose algorithm could decrypt cannot be used (passphrase, stub, unsupported curve ...).
    let problem: OpenPGPError?

    init(
        version: Int, algorithm: PublicKeyAlgorithm, fingerprint: [UInt8], primaryFingerprint: [UInt8]?,
        algorithmDescription: String, decryptionMaterial: DecryptionMaterial?, problem: OpenPGPError?
    ) {
        self.version = version
        self.algorithm = algorithm
        self.fingerprint = fingerprint
        self.primaryFingerprint = primaryFingerprint ?? fingerprint
        self.isSubkey = primaryFingerprint != nil
        self.algorithmDescription = algorithmDescription
        self.decryptionMaterial = decryptionMaterial
        self.problem = problem
    }

    /// The 8-byte key ID: the last 8 bytes of a v4 fingerprint, the first 8 of a v6 one.
    var keyID: [UInt8] {
        version == 4 ? Array(fingerprint.suffix(8)) : Array(fingerprint.prefix(8))
    }

    var fingerprintHex: String { hexString(fingerprint) }
    var keyIDHex: String { hexString(keyID) }

    /// "key 0123…CDEF" or "subkey 0123…CDEF of key 4567…89AB", for messages.
    var identification: String {
        isSubkey ? "subkey \(fingerprintHex) (of key \(hexString(primaryFingerprint)))" : "key \(fingerprintHex)"
    }
}

/// The secret material of a decryption key, ready for use.
enum DecryptionMaterial: Sendable {
    /// RSA (algorithms 1 and 2): PKCS#1 v1.5 session-key decryption.
    case rsa(RSAPrivateKey)
    /// ECDH (algorithm 18) on a NIST curve: the big-endian scalar.
    case ecdhNIST(ECDHParameters, curve: ECDH.Curve, scalar: SecureBytes)
    /// ECDH (algorithm 18) on Curve25519Legacy: the secret already in X25519's little-endian form.
    case ecdhCurve25519(ECDHParameters, secret: SecureBytes)
    /// X25519 (algorithm 25, RFC 9580): native secret and the recipient's public key (HKDF input).
    case x25519(publicKey: [UInt8], secret: SecureBytes)
}

/// The public ECDH fields the RFC 6637 key derivation hashes.
struct ECDHParameters: Sendable {
    /// The curve OID, without its length octet.
    let oid: [UInt8]
    /// The KDF parameter field with its length octet: `03 01 <hash> <cipher>`.
    let kdfField: [UInt8]
    let hash: HashAlgorithmID
    let keyWrapCipher: SymmetricAlgorithm
}
