import CryptoPrimitives

/// A Public-Key Encrypted Session Key packet (RFC 9580 §5.1), version 3 or 6: whom it is addressed to
/// and the algorithm-specific encrypted session key.
struct PublicKeyEncryptedSessionKey {
    let version: Int
    /// The recipient's key ID (v3); all zeroes for an anonymous recipient.
    let keyID: [UInt8]?
    /// The recipient's key version and fingerprint (v6); nil for an anonymous recipient.
    let keyVersion: Int?
    let fingerprint: [UInt8]?
    let algorithm: PublicKeyAlgorithm
    /// The algorithm-specific fields after the algorithm octet.
    let encryptedKey: SecureBytes

    var isAnonymous: Bool {
        if version == 3 { return keyID?.allSatisfy { $0 == 0 } ?? true }
        return fingerprint == nil
    }

    static func parse(_ body: SecureBytes) throws(OpenPGPError) -> PublicKeyEncryptedSessionKey {
        var cursor = ByteCursor(body)
        let version = Int(try cursor.readByte("session key packet version"))
        switch version {
        case 3:
            let keyID = Array(try cursor.read(8, "recipient key ID"))
            let algorithm = PublicKeyAlgorithm(rawValue: try cursor.readByte("public-key algorithm"))
            return PublicKeyEncryptedSessionKey(
                version: 3, keyID: keyID, keyVersion: nil, fingerprint: nil, algorithm: algorithm,
                encryptedKey: SecureBytes(copying: cursor.readRest()))
        case 6:
            let length = Int(try cursor.readByte("recipient fingerprint length"))
            var keyVersion: Int?
            var fingerprint: [UInt8]?
            if length > 0 {
                let version = Int(try cursor.readByte("recipient key version"))
                let named = Array(try cursor.read(length - 1, "recipient fingerprint"))
                switch (version, named.count) {
                case (4, 20), (6, 32):
                    break
                case (4, _), (6, _):
                    throw OpenPGPError(
                        .malformedPacket, "a session key packet names a version \(version) key with a \(named.count)-byte fingerprint")
                default:
                    throw OpenPGPError(
                        .unsupportedPacket, "a session key packet is addressed to a version \(version) key; only version 4 and 6 keys are supported")
                }
                keyVersion = version
                fingerprint = named
            }
            let algorithm = PublicKeyAlgorithm(rawValue: try cursor.readByte("public-key algorithm"))
            return PublicKeyEncryptedSessionKey(
                version: 6, keyID: nil, keyVersion: keyVersion, fingerprint: fingerprint, algorithm: algorithm,
                encryptedKey: SecureBytes(copying: cursor.readRest()))
        default:
            throw OpenPGPError(
                .unsupportedPacket, "a public-key encrypted session key packet has version \(version); only versions 3 and 6 are supported")
        }
    }

    /// Whether `key` is the recipient this packet names (anonymous packets match every key of the algorithm).
    func isAddressed(to key: SecretKey) -> Bool {
        guard algorithmMatches(key.algorithm) else { return false }
        if isAnonymous { return true }
        if let fingerprint { return keyVersion == key.version && fingerprint == key.fingerprint }
        return keyID == key.keyID
    }

    private func algorithmMatches(_ keyAlgorithm: PublicKeyAlgorithm) -> Bool {
        if algorithm.isRSA { return keyAlgorithm.isRSA }
        return algorithm == keyAlgorithm
    }

    /// How the recipient is named in messages: "key ID 0123456789ABCDEF (RSA)".
    var recipientDescription: String {
        if isAnonymous { return "an anonymous recipient (\(algorithm))" }
        if let fingerprint { return "fingerprint \(hexString(fingerprint)) (\(algorithm))" }
        return "key ID \(hexString(keyID ?? [])) (\(algorithm))"
    }
}

/// A decrypted session key. `algorithm` comes from a v3 packet; v6 packets leave it to the SEIPD v2 packet.
struct SessionKey {
    let algorithm: SymmetricAlgorithm?
    let key: SecureBytes
}
