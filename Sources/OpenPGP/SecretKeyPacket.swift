import CryptoPrimitives

/// Parses v4 and v6 Secret-Key / Secret-Subkey packet bodies (RFC 9580 §5.5.3): the public part for
/// the fingerprint, then the S2K usage octet and, when it is zero, the cleartext secret material.
enum SecretKeyPacket {
    /// A parsed packet: a key (possibly carrying a `problem`), or a packet that cannot even be
    /// identified (unsupported version or unknown v4 algorithm), reported by error.
    enum Outcome {
        case key(SecretKey)
        case unidentifiable(OpenPGPError)
    }

    /// Parses `body`. `primaryFingerprint` is nil for a primary key, the owner's fingerprint for a subkey.
    static func parse(_ body: SecureBytes, primaryFingerprint: [UInt8]?) throws(OpenPGPError) -> Outcome {
        var cursor = ByteCursor(body)
        let version = Int(try cursor.readByte("key version"))
        let kind = primaryFingerprint == nil ? "secret key" : "secret subkey"
        guard version == 4 || version == 6 else {
            let name = version == 5 ? "version 5 (LibrePGP)" : "version \(version)"
            return .unidentifiable(OpenPGPError(
                .unsupportedPacket, "a \(kind) packet has \(name) format; only version 4 and 6 keys are supported"))
        }
        try cursor.skip(4, "key creation time")
        let algorithm = PublicKeyAlgorithm(rawValue: try cursor.readByte("public-key algorithm"))

        let publicFields: PublicKeyFields
        if version == 6 {
            let count = try cursor.readUInt32("public key material length")
            let material = SecureBytes(copying: try cursor.read(count, "public key material"))
            var materialCursor = ByteCursor(material)
            publicFields = try PublicKeyFields.parse(algorithm, &materialCursor) ?? PublicKeyFields(description: "\(algorithm)")
        } else {
            guard let fields = try PublicKeyFields.parse(algorithm, &cursor) else {
                return .unidentifiable(OpenPGPError(
                    .unsupportedAlgorithm,
                    "a \(kind) packet uses \(algorithm), which this implementation cannot read"))
            }
            publicFields = fields
        }
        let publicEnd = cursor.position
        let fingerprint = try computeFingerprint(version: version, publicPart: body[0..<publicEnd])

        func key(_ material: DecryptionMaterial?, _ problem: OpenPGPError?) -> Outcome {
            .key(SecretKey(
                version: version, algorithm: algorithm, fingerprint: fingerprint, primaryFingerprint: primaryFingerprint,
                algorithmDescription: publicFields.description, decryptionMaterial: material, problem: problem))
        }
        let identification = primaryFingerprint.map {
            "subkey \(hexString(fingerprint)) (of key \(hexString($0)))"
        } ?? "key \(hexString(fingerprint))"

        guard publicFields.canDecrypt else {
            // Signing-only keys: their secrets are never needed, so they are not read.
            return key(nil, nil)
        }
        if let reason = publicFields.unsupportedReason {
            return key(nil, OpenPGPError(.unsupportedAlgorithm, "\(identification) cannot be used: \(reason)"))
        }

        // From here on the key is identified: a broken secret part makes this key unusable, not the file.
        do throws(OpenPGPError) {
            let usage = try cursor.readByte("S2K usage octet")
            if usage != 0 {
                return key(nil, try protectionProblem(usage: usage, version: version, cursor: &cursor, identification))
            }
            let secretStart = cursor.position
            let material = try readSecretMaterial(publicFields, version: version, cursor: &cursor)
            if version == 4 {
                var sum = 0
                for byte in body[secretStart..<cursor.position] { sum = (sum + Int(byte)) & 0xFFFF }
                let stored = try cursor.readUInt16("secret key checksum")
                guard stored == sum else {
                    throw OpenPGPError(.invalidKey, "its secret key checksum does not match (corrupted key)")
                }
            }
            return key(material, nil)
        } catch {
            return key(nil, OpenPGPError(error.code, "\(identification) is unusable: \(error.message)"))
        }
    }

    private static func computeFingerprint(version: Int, publicPart: Slice<SecureBytes>) throws(OpenPGPError) -> [UInt8] {
        let length = publicPart.count
        var prefix: [UInt8]
        let hash: HashAlgorithm
        if version == 4 {
            guard length <= 0xFFFF else {
                throw OpenPGPError(.malformedPacket, "a version 4 public key is longer than 65535 bytes")
            }
            prefix = [0x99, UInt8(length >> 8), UInt8(length & 0xFF)]
            hash = .sha1
        } else {
            prefix = [0x9B, UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            hash = .sha256
        }
        prefix.append(contentsOf: publicPart)
        do {
            return try Hash.compute(hash, prefix)
        } catch {
            throw OpenPGPError(.malformedPacket, "cannot compute a key fingerprint: \(error.message)")
        }
    }

    /// The error for a secret key whose material is not in cleartext.
    private static func protectionProblem(
        usage: UInt8, version: Int, cursor: inout ByteCursor, _ identification: String
    ) throws(OpenPGPError) -> OpenPGPError {
        if version == 4, usage == 254 || usage == 255 {
            _ = try cursor.readByte("secret key cipher")
            let s2kType = try cursor.readByte("S2K type")
            if s2kType == 101 {
                // GnuPG extension: hash octet, "GNU", then 1 = no secret part, 2 = key on a smartcard.
                _ = try cursor.readByte("S2K hash")
                let marker = Array(try cursor.read(3, "GNU S2K marker"))
                let mode = try cursor.readByte("GNU S2K mode")
                if marker == Array("GNU".utf8) {
                    let what = mode == 2 ? "is stored on a smartcard" : "was exported without its secret part (gpg --export-secret-subkeys stub)"
                    return OpenPGPError(
                        .secretKeyUnavailable,
                        "\(identification) has no secret material in this key file: it \(what)")
                }
            }
        }
        return OpenPGPError(
            .protectedKey,
            "\(identification) is protected by a passphrase; passphrase-protected keys are not supported "
                + "(Flux cannot use them either): remove the passphrase and export the secret key again")
    }

    private static func readSecretMaterial(
        _ fields: PublicKeyFields, version: Int, cursor: inout ByteCursor
    ) throws(OpenPGPError) -> DecryptionMaterial {
        switch fields.kind {
        case .rsa(let modulus, let exponent):
            let d = try cursor.readMPI("RSA secret exponent")
            let p = try cursor.readMPI("RSA prime p")
            let q = try cursor.readMPI("RSA prime q")
            _ = try cursor.readMPI("RSA coefficient u")
            do {
                return .rsa(try RSAPrivateKey(
                    modulus: modulus, publicExponent: exponent, privateExponent: d, prime1: p, prime2: q))
            } catch {
                throw OpenPGPError(.invalidKey, "its RSA components are invalid (\(error.message))")
            }
        case .ecdh(let parameters, let curve):
            let scalar = try cursor.readMPI("ECDH secret scalar")
            if curve == .curve25519Legacy {
                // Stored big-endian; X25519 wants the reverse. A short MPI lost leading zero bytes.
                guard scalar.count <= 32 else { throw OpenPGPError(.invalidKey, "its Curve25519 secret is longer than 32 bytes") }
                var native = SecureBytes(zeroes: 32)
                for (offset, byte) in scalar.reversed().enumerated() { native[offset] = byte }
                return .ecdhCurve25519(parameters, secret: native)
            }
            guard let nist = curve.nistCurve else {
                throw OpenPGPError(.invalidKey, "its curve \(curve) is not supported")
            }
            guard scalar.count <= nist.coordinateByteCount else {
                throw OpenPGPError(.invalidKey, "its \(curve) secret scalar is too long")
            }
            return .ecdhNIST(parameters, curve: nist, scalar: SecureBytes(copying: scalar))
        case .x25519(let publicKey):
            let secret = try cursor.read(32, "X25519 secret key")
            return .x25519(publicKey: publicKey, secret: SecureBytes(copying: secret))
        case .other:
            throw OpenPGPError(.invalidKey, "it is not a decryption key")
        }
    }
}
