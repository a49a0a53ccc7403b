import CryptoPrimitives

/// Wrapping and unwrapping the 16-byte file key in recipient stanzas, and the header MAC.
enum AgeFileKey {
    static let byteCount = 16
    static let x25519Label = Array("age-encryption.org/v1/X25519".utf8)
    static let scryptLabel = Array("age-encryption.org/v1/scrypt".utf8)
    static let zeroNonce = [UInt8](repeating: 0, count: 12)

    /// Tries every identity against every stanza (identities in order) and returns the first file key.
    static func unwrap(_ header: AgeHeader, identities: [AgeIdentity]) throws(AgeError) -> SecureBytes {
        guard !identities.isEmpty else {
            throw AgeError(.noMatchingIdentity, "no identities were given to decrypt with")
        }
        for identity in identities {
            for stanza in header.stanzas {
                let fileKey: SecureBytes?
                switch identity {
                case .x25519(let x25519):
                    guard stanza.type == KnownStanza.x25519Type else { continue }
                    fileKey = try unwrap(KnownStanza.x25519(stanza), with: x25519)
                case .passphrase(let passphrase):
                    guard stanza.type == KnownStanza.scryptType else { continue }
                    fileKey = try unwrap(KnownStanza.scrypt(stanza), with: passphrase)
                }
                if let fileKey { return fileKey }
            }
        }
        throw AgeError(.noMatchingIdentity, noMatchMessage(header, identityCount: identities.count))
    }

    private static func unwrap(_ stanza: KnownStanza.X25519Stanza, with identity: AgeX25519Identity) throws(AgeError) -> SecureBytes? {
        let shared: SecureBytes
        do {
            shared = try X25519.sharedSecret(privateKey: identity.secretKey, peerPublicKey: stanza.share)
        } catch {
            if error.code == .invalidPublicKey {
                throw AgeError(.malformedHeader, "an X25519 stanza's share is a low-order point (all-zero shared secret)")
            }
            throw AgeError.cryptographic(error, while: "X25519 key agreement")
        }
        let wrapKey: SecureBytes
        do {
            wrapKey = try HKDF.deriveKey(
                .sha256, inputKeyMaterial: shared, salt: stanza.share + identity.recipient.publicKey, info: x25519Label,
                outputByteCount: 32)
        } catch {
            throw AgeError.cryptographic(error, while: "deriving the X25519 wrap key")
        }
        return try openBody(stanza.body, wrapKey: wrapKey)
    }

    private static func unwrap(_ stanza: KnownStanza.ScryptStanza, with identity: AgePassphraseIdentity) throws(AgeError) -> SecureBytes? {
        guard stanza.workFactor <= identity.maxWorkFactor else {
            throw AgeError(
                .workFactorTooHigh,
                "the scrypt work factor 2^\(stanza.workFactor) exceeds the allowed 2^\(identity.maxWorkFactor); raise maxWorkFactor only for files you trust")
        }
        let wrapKey: SecureBytes
        do {
            wrapKey = try Scrypt.deriveKey(
                passphrase: identity.passphrase, salt: scryptLabel + stanza.salt, n: UInt64(1) << UInt64(stanza.workFactor),
                r: 8, p: 1, outputByteCount: 32)
        } catch {
            throw AgeError.cryptographic(error, while: "scrypt key derivation")
        }
        return try openBody(stanza.body, wrapKey: wrapKey)
    }

    /// The file key, or nil when the body does not authenticate (this identity is not the recipient).
    private static func openBody(_ body: [UInt8], wrapKey: SecureBytes) throws(AgeError) -> SecureBytes? {
        do {
            let fileKey = try ChaCha20Poly1305.open(
                key: wrapKey, nonce: zeroNonce, ciphertext: body.prefix(byteCount), tag: body.suffix(16))
            return fileKey
        } catch {
            if error.code == .authenticationFailed { return nil }
            throw AgeError.cryptographic(error, while: "unwrapping the file key")
        }
    }

    static func wrap(_ fileKey: SecureBytes, to recipient: AgeX25519Recipient) throws(AgeError) -> AgeStanza {
        do {
            let ephemeral = try X25519.generatePrivateKey()
            let share = try X25519.publicKey(privateKey: ephemeral)
            let shared = try X25519.sharedSecret(privateKey: ephemeral, peerPublicKey: recipient.publicKey)
            let wrapKey = try HKDF.deriveKey(
                .sha256, inputKeyMaterial: shared, salt: share + recipient.publicKey, info: x25519Label, outputByteCount: 32)
            let box = try ChaCha20Poly1305.seal(key: wrapKey, nonce: zeroNonce, plaintext: fileKey)
            return AgeStanza(type: KnownStanza.x25519Type, arguments: [Base64.encodeString(share, padded: false)], body: box.combined)
        } catch {
            if error.code == .invalidPublicKey {
                throw AgeError(.malformedRecipient, "the recipient \(recipient.encoded) is a low-order point and cannot be encrypted to")
            }
            throw AgeError.cryptographic(error, while: "wrapping the file key")
        }
    }

    static func headerMAC(fileKey: SecureBytes, authenticatedBytes: some Collection<UInt8>) throws(AgeError) -> [UInt8] {
        do {
            let macKey = try HKDF.deriveKey(
                .sha256, inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
            return try HMAC.compute(.sha256, key: macKey, message: authenticatedBytes)
        } catch {
            throw AgeError.cryptographic(error, while: "computing the header MAC")
        }
    }

    /// "No identity matched" lists the stanza types present (public information), never key material.
    private static func noMatchMessage(_ header: AgeHeader, identityCount: Int) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for stanza in header.stanzas {
            let type = String(stanza.type.prefix(32))
            if counts[type] == nil { order.append(type) }
            counts[type, default: 0] += 1
        }
        let listed = order.prefix(10).map { counts[$0]! > 1 ? "\($0) ×\(counts[$0]!)" : $0 }.joined(separator: ", ")
        let more = order.count > 10 ? ", …" : ""
        let tried = identityCount == 1 ? "1 identity" : "\(identityCount) identities"
        return "no identity matched any recipient stanza in the file (tried \(tried); stanzas: \(listed)\(more))"
    }
}
