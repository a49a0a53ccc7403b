import CryptoPrimitives

/// The algorithm-specific public key fields (RFC 9580 §5.5.5).
struct PublicKeyFields {
    enum Kind {
        case rsa(modulus: [UInt8], exponent: [UInt8])
        case ecdh(ECDHParameters, EllipticCurve)
        case x25519(publicKey: [UInt8])
        case other
    }

    var kind: Kind = .other
    var description: String
    var canDecrypt = false
    var unsupportedReason: String?

    init(description: String) {
        self.description = description
    }

    /// Reads the fields of `algorithm`; nil when the algorithm is unknown (the field layout is unknown).
    static func parse(_ algorithm: PublicKeyAlgorithm, _ cursor: inout ByteCursor) throws(OpenPGPError) -> PublicKeyFields? {
        switch algorithm {
        case .rsaEncryptOrSign, .rsaEncryptOnly, .rsaSignOnly:
            let modulus = Array(try cursor.readMPI("RSA modulus"))
            let exponent = Array(try cursor.readMPI("RSA public exponent"))
            let bits = bitLength(modulus)
            var fields = PublicKeyFields(description: "RSA \(bits)")
            fields.kind = .rsa(modulus: modulus, exponent: exponent)
            fields.canDecrypt = algorithm != .rsaSignOnly
            return fields
        case .dsa:
            for name in ["DSA prime p", "DSA group order q", "DSA generator g", "DSA public value y"] {
                _ = try cursor.readMPI(name)
            }
            return PublicKeyFields(description: "DSA")
        case .elgamal, .elgamalEncryptOrSign:
            for name in ["Elgamal prime p", "Elgamal generator g", "Elgamal public value y"] {
                _ = try cursor.readMPI(name)
            }
            var fields = PublicKeyFields(description: "Elgamal")
            fields.canDecrypt = true
            fields.unsupportedReason = "Elgamal encryption keys are not supported"
            return fields
        case .ecdsa, .eddsaLegacy:
            let curve = EllipticCurve(oid: try cursor.readLengthPrefixed("curve OID"))
            _ = try cursor.readMPI("EC public point")
            return PublicKeyFields(description: "\(algorithm) \(curve)")
        case .ecdh:
            let oid = Array(try cursor.readLengthPrefixed("curve OID"))
            let curve = EllipticCurve(oid: oid)
            let point = try cursor.readMPI("ECDH public point")
            let kdf = Array(try cursor.readLengthPrefixed("ECDH KDF parameters"))
            var fields = PublicKeyFields(description: "ECDH \(curve)")
            fields.canDecrypt = true
            guard kdf.count >= 3, kdf[0] == 0x01 else {
                fields.unsupportedReason = "its ECDH KDF parameters have an unknown format"
                return fields
            }
            let hash = HashAlgorithmID(rawValue: kdf[1])
            let cipher = SymmetricAlgorithm(rawValue: kdf[2])
            var kdfField = [UInt8(kdf.count)]
            kdfField.append(contentsOf: kdf)
            fields.kind = .ecdh(ECDHParameters(oid: oid, kdfField: kdfField, hash: hash, keyWrapCipher: cipher), curve)
            switch curve {
            case .curve25519Legacy:
                if point.count != 33 || point.first != 0x40 {
                    fields.unsupportedReason = "its Curve25519 public point is not in the 0x40-prefixed native form"
                }
            case .nistP256, .nistP384, .nistP521:
                break
            default:
                fields.unsupportedReason = "ECDH on \(curve) is not supported (only NIST P-256/384/521 and Curve25519)"
            }
            if hash.algorithm == nil {
                fields.unsupportedReason = "its ECDH key derivation uses \(hash), which is not supported"
            } else if cipher.aesKeyByteCount == nil {
                fields.unsupportedReason = "its ECDH key wrap uses \(cipher); only AES key wrap is supported"
            }
            return fields
        case .x25519:
            var fields = PublicKeyFields(description: "X25519")
            fields.kind = .x25519(publicKey: Array(try cursor.read(32, "X25519 public key")))
            fields.canDecrypt = true
            return fields
        case .x448:
            try cursor.skip(56, "X448 public key")
            var fields = PublicKeyFields(description: "X448")
            fields.canDecrypt = true
            fields.unsupportedReason = "X448 keys are not supported"
            return fields
        case .ed25519:
            try cursor.skip(32, "Ed25519 public key")
            return PublicKeyFields(description: "Ed25519")
        case .ed448:
            try cursor.skip(57, "Ed448 public key")
            return PublicKeyFields(description: "Ed448")
        default:
            return nil
        }
    }

    private static func bitLength(_ bigEndian: [UInt8]) -> Int {
        guard let firstNonZero = bigEndian.firstIndex(where: { $0 != 0 }) else { return 0 }
        let leading = bigEndian[firstNonZero].leadingZeroBitCount
        return (bigEndian.count - firstNonZero) * 8 - leading
    }
}
