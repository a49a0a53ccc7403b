import CryptoPrimitives

extension OpenPGPKeyRing {
    /// Decrypts an armored (or binary) OpenPGP message and returns its literal data, e.g. the
    /// 32-byte SOPS data key (or a 33-byte Shamir share) from a `pgp` entry's `enc` field.
    ///
    /// The secret key is chosen by the key ID (v3 session key packets) or fingerprint (v6) the
    /// message names; for anonymous recipients every key of the right algorithm is tried.
    public func decrypt(_ armoredMessage: some Collection<UInt8>) throws(OpenPGPError) -> SecureBytes {
        let message = try EncryptedMessage.parse(armoredMessage)
        var failures: [OpenPGPError] = []

        // Named recipients first: their failures are final and reported as they are.
        for packet in message.sessionKeyPackets where !packet.isAnonymous {
            for key in secretKeys where packet.isAddressed(to: key) {
                let sessionKey: SessionKey
                do {
                    sessionKey = try key.decryptSessionKey(packet)
                } catch {
                    failures.append(error)
                    continue
                }
                return try decryptContent(message.container, sessionKey)
            }
        }

        // Anonymous recipients: a wrong key can pass the session key checksum by chance, so a data
        // integrity failure moves on to the next key.
        var anonymousAttempts = 0
        for packet in message.sessionKeyPackets where packet.isAnonymous {
            for key in secretKeys where packet.isAddressed(to: key) && key.problem == nil && key.decryptionMaterial != nil {
                anonymousAttempts += 1
                guard let sessionKey = try? key.decryptSessionKey(packet) else { continue }
                do {
                    return try decryptContent(message.container, sessionKey)
                } catch where error.code == .integrityCheckFailed || error.code == .decryptionFailed {
                    continue
                }
            }
        }

        if !failures.isEmpty {
            let first = failures[0]
            guard failures.count > 1 else { throw first }
            throw OpenPGPError(first.code, failures.map(\.message).joined(separator: "; "))
        }
        if anonymousAttempts > 0 {
            throw OpenPGPError(
                .decryptionFailed,
                "the message is addressed to an anonymous recipient and none of the \(anonymousAttempts) decryption keys tried could decrypt it; \(heldKeysSummary)")
        }
        var recipients = message.sessionKeyPackets.map(\.recipientDescription)
        recipients.append(contentsOf: message.unreadableSessionKeyPackets.map { "(\($0.message))" })
        throw OpenPGPError(
            .noMatchingKey,
            "no secret key for this message: it is encrypted to \(recipients.joined(separator: ", ")); \(heldKeysSummary)")
    }

    /// Decrypts an armored message given as text.
    public func decrypt(_ armoredMessage: String) throws(OpenPGPError) -> SecureBytes {
        try decrypt(Array(armoredMessage.utf8))
    }

    private func decryptContent(_ container: EncryptedContainer, _ sessionKey: SessionKey) throws(OpenPGPError) -> SecureBytes {
        let plaintext = try container.decrypt(with: sessionKey)
        return try LiteralContent.extract(from: plaintext)
    }

    /// "the key ring holds key A (subkeys 0x…, 0x…), key B …" — what an operator compares with the recipients.
    private var heldKeysSummary: String {
        guard !secretKeys.isEmpty else { return "the key ring holds no secret keys" }
        var primaries: [[UInt8]] = []
        var subkeyIDs: [[UInt8]: [String]] = [:]
        for key in secretKeys {
            if !primaries.contains(key.primaryFingerprint) { primaries.append(key.primaryFingerprint) }
            let label = key.problem.map { "\(key.keyIDHex) [unusable: \($0.code)]" } ?? key.keyIDHex
            subkeyIDs[key.primaryFingerprint, default: []].append(label)
        }
        let listed = primaries.map { fingerprint in
            "\(hexString(fingerprint)) (key IDs \(subkeyIDs[fingerprint, default: []].joined(separator: ", ")))"
        }
        return "the key ring holds \(listed.joined(separator: "; "))"
    }
}
