import CryptoPrimitives

extension SecretKey {
    /// Recovers the session key from a PKESK addressed to this key: RSA PKCS#1 v1.5, ECDH with the
    /// RFC 6637 KDF and AES key wrap, or X25519 with HKDF (RFC 9580 §5.1.6).
    func decryptSessionKey(_ packet: PublicKeyEncryptedSessionKey) throws(OpenPGPError) -> SessionKey {
        if let problem { throw problem }
        guard let decryptionMaterial else {
            throw OpenPGPError(.unsupportedAlgorithm, "\(identification) (\(algorithmDescription)) is not an encryption key")
        }
        var cursor = ByteCursor(packet.encryptedKey)
        switch decryptionMaterial {
        case .rsa(let privateKey):
            let ciphertext = try cursor.readMPI("RSA encrypted session key")
            let decoded: SecureBytes
            do {
                decoded = try privateKey.decryptPKCS1v15(ciphertext)
            } catch {
                throw failed("RSA decryption of the session key failed")
            }
            return try decodeChecksummedSessionKey(decoded, version: packet.version)
        case .ecdhNIST(let parameters, let curve, let scalar):
            let point = try cursor.readMPI("ECDH ephemeral point")
            let wrapped = try cursor.readLengthPrefixed("ECDH wrapped session key")
            let shared: SecureBytes
            do {
                shared = try ECDH.sharedSecret(curve: curve, privateKey: scalar, peerPublicKey: point)
            } catch {
                throw failed("the ECDH ephemeral point is not valid on \(curve)")
            }
            return try unwrapECDH(shared: shared, parameters: parameters, wrapped: wrapped, version: packet.version)
        case .ecdhCurve25519(let parameters, let secret):
            let point = try cursor.readMPI("ECDH ephemeral point")
            guard point.count == 33, point.first == 0x40 else {
                throw failed("the Curve25519 ephemeral point is not in the 0x40-prefixed form")
            }
            let wrapped = try cursor.readLengthPrefixed("ECDH wrapped session key")
            let shared: SecureBytes
            do {
                shared = try X25519.sharedSecret(privateKey: secret, peerPublicKey: point.dropFirst())
            } catch {
                throw failed("the Curve25519 ephemeral point is not usable")
            }
            return try unwrapECDH(shared: shared, parameters: parameters, wrapped: wrapped, version: packet.version)
        case .x25519(let publicKey, let secret):
            let ephemeral = try cursor.read(32, "X25519 ephemeral key")
            let length = Int(try cursor.readByte("X25519 wrapped key length"))
            var algorithm: SymmetricAlgorithm?
            var wrappedLength = length
            if packet.version == 3 {
                algorithm = SymmetricAlgorithm(rawValue: try cursor.readByte("session key algorithm"))
                wrappedLength -= 1
            }
            let wrapped = try cursor.read(wrappedLength, "X25519 wrapped session key")
            if let algorithm {
                _ = try algorithm.requireAES("the X25519 session key packet")
            }
            let key: SecureBytes
            do {
                let shared = try X25519.sharedSecret(privateKey: secret, peerPublicKey: ephemeral)
                var keyMaterial = SecureBytes(ephemeral)
                keyMaterial.append(contentsOf: publicKey)
                keyMaterial.append(contentsOf: shared)
                let kek = try HKDF.deriveKey(
                    .sha256, inputKeyMaterial: keyMaterial, salt: [UInt8](), info: Array("OpenPGP X25519".utf8),
                    outputByteCount: 16)
                key = try AESKeyWrap.unwrap(wrapped, kek: kek)
            } catch {
                throw failed("unwrapping the X25519 session key failed")
            }
            if let algorithm, key.count != algorithm.aesKeyByteCount {
                throw failed("the unwrapped session key has the wrong length for \(algorithm)")
            }
            return SessionKey(algorithm: algorithm, key: key)
        }
    }

    /// RFC 6637 KDF and AES key unwrap. Retries with leading or trailing zero bytes of the shared
    /// secret stripped, as go-crypto does, for messages from producers that got this wrong.
    private func unwrapECDH(
        shared: SecureBytes, parameters: ECDHParameters, wrapped: Slice<SecureBytes>, version: Int
    ) throws(OpenPGPError) -> SessionKey {
        guard let hash = parameters.hash.algorithm, let kekLength = parameters.keyWrapCipher.aesKeyByteCount else {
            throw failed("its ECDH parameters are not supported")
        }
        var param = [UInt8(parameters.oid.count)]
        param.append(contentsOf: parameters.oid)
        param.append(PublicKeyAlgorithm.ecdh.rawValue)
        param.append(contentsOf: parameters.kdfField)
        param.append(contentsOf: Array("Anonymous Sender    ".utf8))
        param.append(contentsOf: fingerprint)

        var candidates = [shared]
        let withoutLeading = SecureBytes(shared.drop(while: { $0 == 0 }))
        if withoutLeading.count != shared.count, !withoutLeading.isEmpty { candidates.append(withoutLeading) }
        var trailing = shared.count
        while trailing > 0, shared[trailing - 1] == 0 { trailing -= 1 }
        if trailing != shared.count, trailing > 0 { candidates.append(SecureBytes(copying: shared[0..<trailing])) }

        for candidate in candidates {
            do {
                var input = SecureBytes([0, 0, 0, 1])
                input.append(contentsOf: candidate)
                input.append(contentsOf: param)
                var digest = try Hash.compute(hash, input)
                defer { digest.wipe() }
                guard digest.count >= kekLength else { throw failed("the ECDH KDF hash is shorter than the key wrap key") }
                let kek = SecureBytes(digest.prefix(kekLength))
                let padded = try AESKeyWrap.unwrap(wrapped, kek: kek)
                guard let padding = padded.last, padding > 0, Int(padding) < padded.count,
                      padded.suffix(Int(padding)).allSatisfy({ $0 == padding })
                else { throw failed("the unwrapped session key has invalid padding") }
                return try decodeChecksummedSessionKey(
                    SecureBytes(copying: padded[0..<(padded.count - Int(padding))]), version: version)
            } catch let error as OpenPGPError where error.code != .decryptionFailed {
                throw error
            } catch {
                continue
            }
        }
        throw failed("unwrapping the ECDH session key failed")
    }

    /// `[algorithm (v3 only)] ‖ key ‖ 2-byte checksum`, as RSA and ECDH encrypt it.
    private func decodeChecksummedSessionKey(_ decoded: SecureBytes, version: Int) throws(OpenPGPError) -> SessionKey {
        let keyStart = version == 3 ? 1 : 0
        guard decoded.count >= keyStart + 2 + 1 else { throw failed("the decrypted session key is too short") }
        let keyEnd = decoded.count - 2
        var sum = 0
        for byte in decoded[keyStart..<keyEnd] { sum = (sum + Int(byte)) & 0xFFFF }
        let stored = Int(decoded[keyEnd]) << 8 | Int(decoded[keyEnd + 1])
        guard sum == stored else { throw failed("the decrypted session key checksum does not match") }
        let key = SecureBytes(copying: decoded[keyStart..<keyEnd])
        guard version == 3 else { return SessionKey(algorithm: nil, key: key) }
        let algorithm = SymmetricAlgorithm(rawValue: decoded[0])
        if let expected = algorithm.aesKeyByteCount, expected != key.count {
            throw failed("the decrypted session key has the wrong length for \(algorithm)")
        }
        return SessionKey(algorithm: algorithm, key: key)
    }

    private func failed(_ reason: String) -> OpenPGPError {
        OpenPGPError(.decryptionFailed, "\(identification) could not decrypt the session key: \(reason) (wrong key or corrupted message)")
    }
}
