#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AgeCrypto

/// The rollback store's own age identity: the systemd credential `rollback-store.agekey` when
/// present (`LoadCredentialEncrypted=`, e.g. TPM-sealed), else `<state-dir>/rollback-store.agekey`
/// (0600), created on first use. An operator opens an entry with `age -d -i <that file>`.
public enum RollbackIdentity {
    public static let fileName = "rollback-store.agekey"

    public static func load(stateDirectory: String, credentialsDirectory: String? = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        throws(StoreError) -> AgeX25519Identity
    {
        if let credentialsDirectory, !credentialsDirectory.isEmpty {
            let path = credentialsDirectory + "/" + fileName
            if let bytes = try AtomicFile.read(path, limit: 64 << 10) {
                return try parse(bytes, path: path)
            }
        }
        let path = (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + fileName
        if let bytes = try AtomicFile.read(path, limit: 64 << 10) {
            return try parse(bytes, path: path)
        }
        let identity: AgeX25519Identity
        do {
            identity = try AgeX25519Identity.generate()
        } catch {
            throw StoreError(code: .io, message: "cannot generate the rollback store identity: \(error.message)")
        }
        let text = "# stageset-agent rollback store identity; recipient: \(identity.recipient.encoded)\n\(identity.encodedSecretKey())\n"
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
        return identity
    }

    private static func parse(_ bytes: [UInt8], path: String) throws(StoreError) -> AgeX25519Identity {
        do {
            guard let identity = try AgeIdentityFile.parse(String(decoding: bytes, as: UTF8.self)).first else {
                throw StoreError(code: .corrupted, message: "\(path) holds no age identity")
            }
            return identity
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .corrupted, message: "\(path) is not a valid age identity file")
        }
    }
}
