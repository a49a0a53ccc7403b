import CryptoPrimitives

/// Decrypting and encrypting whole age v1 files (binary or armored) in memory.
public enum AgeFile {
    /// How the input is encoded.
    public enum Format: Sendable, Hashable {
        /// A binary age file (`age-encryption.org/v1` first line).
        case binary
        /// An ASCII-armored file (`-----BEGIN AGE ENCRYPTED FILE-----`).
        case armored
        /// Armored when the BEGIN line starts the input (after whitespace), binary otherwise.
        case detect
    }

    /// Decrypts `file` with the first identity that unwraps the file key and returns the whole plaintext.
    /// Nothing is returned unless every chunk authenticates.
    public static func decrypt(
        _ file: some Collection<UInt8>, identities: [AgeIdentity], format: Format = .detect
    ) throws(AgeError) -> SecureBytes {
        var plaintext = SecureBytes()
        try decrypt(file, identities: identities, format: format) { chunk in plaintext.append(contentsOf: chunk) }
        return plaintext
    }

    /// Decrypts `file`, handing each authenticated 64 KiB chunk to `chunkHandler` as soon as it is verified.
    /// If an error is thrown later, the chunks already handed over must be discarded by the caller.
    public static func decrypt(
        _ file: some Collection<UInt8>, identities: [AgeIdentity], format: Format = .detect,
        chunkHandler: (SecureBytes) -> Void
    ) throws(AgeError) {
        let binary: [UInt8]
        switch format {
        case .binary: binary = Array(file)
        case .armored: binary = try AgeArmor.decode(file)
        case .detect: binary = AgeArmor.isArmored(file) ? try AgeArmor.decode(file) : Array(file)
        }
        let header = try AgeHeader.parse(binary)
        let fileKey = try AgeFileKey.unwrap(header, identities: identities)
        let mac = try AgeFileKey.headerMAC(fileKey: fileKey, authenticatedBytes: header.authenticatedBytes)
        guard ConstantTime.isEqual(mac, header.mac) else {
            throw AgeError(.headerMACMismatch, "the header MAC does not verify: the header was modified")
        }
        let key = try AgePayload.payloadKey(fileKey: fileKey, nonce: header.payloadNonce)
        try AgePayload.decrypt(binary[header.payloadOffset...], key: key, release: chunkHandler)
    }

    /// Encrypts `plaintext` to every recipient (X25519). The result opens with `age -d -i <identity file>`.
    /// - Parameter armored: ASCII armor (as `age -a`) instead of binary.
    public static func encrypt(
        _ plaintext: some Collection<UInt8>, to recipients: [AgeX25519Recipient], armored: Bool = false
    ) throws(AgeError) -> [UInt8] {
        guard !recipients.isEmpty else {
            throw AgeError(.noRecipients, "at least one recipient is needed to encrypt")
        }
        let fileKey: SecureBytes
        let nonce: [UInt8]
        do {
            fileKey = try SecureBytes.random(count: AgeFileKey.byteCount)
            nonce = try SecureRandom.bytes(count: AgeHeader.nonceByteCount)
        } catch {
            throw AgeError.cryptographic(error, while: "generating the file key")
        }
        var stanzas: [AgeStanza] = []
        for recipient in recipients { stanzas.append(try AgeFileKey.wrap(fileKey, to: recipient)) }
        var output = AgeHeader.encodedPrefix(stanzas)
        let mac = try AgeFileKey.headerMAC(fileKey: fileKey, authenticatedBytes: output)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: Base64.encode(mac, padded: false))
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: nonce)
        let key = try AgePayload.payloadKey(fileKey: fileKey, nonce: nonce)
        try AgePayload.encrypt(plaintext, key: key, into: &output)
        return armored ? Array(AgeArmor.encode(output).utf8) : output
    }
}
