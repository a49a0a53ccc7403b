import CryptoPrimitives

/// Decrypts SOPS files in memory, byte-compatible with `sops decrypt` (sops 3.11): the data key
/// comes from the master keys the decrypters can open, the MAC is verified unless asked not to.
public struct SOPSDecryptor: Sendable {
    /// Tried in order for every master key; the first that returns a key wins.
    public var decrypters: [any MasterKeyDecrypter]

    public init(decrypters: [any MasterKeyDecrypter]) {
        self.decrypters = decrypters
    }

    /// A decryptor for loaded key material (age identities; PGP keys need `pgpDecrypter`) plus extra
    /// decrypters (KMS, Vault …) tried after them.
    public init(keys: DecryptionKeys, pgpDecrypter: (any MasterKeyDecrypter)? = nil, additional: [any MasterKeyDecrypter] = []) {
        var list: [any MasterKeyDecrypter] = [AgeMasterKeyDecrypter(identities: keys.ageIdentities)]
        if let pgpDecrypter { list.append(pgpDecrypter) }
        decrypters = list + additional
    }

    /// What to do about the file's MAC.
    public enum MACPolicy: Sendable {
        /// Refuse a file whose MAC does not match (the `sops decrypt` behaviour).
        case verify
        /// Do not check it (Flux never checks; also `sops decrypt --ignore-mac`).
        case ignore
    }

    /// Decrypts one file and writes it in `outputFormat` (default: the input format).
    /// - Parameter fileName: used in error messages only.
    public func decrypt(
        _ bytes: [UInt8], format: SOPSFormat, outputFormat: SOPSFormat? = nil, mac: MACPolicy = .verify, fileName: String? = nil
    ) async throws(SOPSError) -> [UInt8] {
        do {
            let file = try SOPSFile(bytes: bytes, format: format)
            let plaintext = try await decryptTree(file, mac: mac)
            return try SOPSFile.emit(plaintext, format: outputFormat ?? format)
        } catch {
            throw error.inFile(fileName)
        }
    }

    /// Decrypts a parsed file's documents.
    public func decryptTree(_ file: SOPSFile, mac: MACPolicy = .verify) async throws(SOPSError) -> SOPSBranches {
        let dataKey = try await DataKeyRecovery.recover(file.metadata, decrypters: decrypters)
        var walker = try TreeDecryptor(metadata: file.metadata, dataKey: dataKey)
        let (branches, computed) = try walker.decrypt(file.branches)
        if mac == .verify {
            try Self.verifyMAC(file.metadata, computed: computed, dataKey: dataKey)
        }
        return branches
    }

    /// Compares the stored MAC (decrypted with AAD = `lastmodified` in RFC 3339) with the computed one.
    static func verifyMAC(_ metadata: SOPSMetadata, computed: String, dataKey: SecureBytes) throws(SOPSError) {
        let cipher = ValueCipher(dataKey: dataKey)
        let stored: SOPSNode
        do {
            stored = try cipher.decrypt(Array(metadata.messageAuthenticationCode.utf8), additionalData: Array(metadata.lastModified.rfc3339.utf8))
        } catch {
            throw SOPSError(.macMismatch, "cannot decrypt the MAC (\(error.message)); the metadata may have been altered")
        }
        guard case .string(let value) = stored, !value.isEmpty else {
            throw SOPSError(.macMismatch, "MAC mismatch: the file has no MAC")
        }
        guard value == Array(computed.utf8) else {
            throw SOPSError(.macMismatch, "MAC mismatch: the content does not match the MAC stored in the file (values, keys or their order were changed after encryption)")
        }
    }
}
