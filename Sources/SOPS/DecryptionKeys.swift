#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AgeCrypto
import HostSecrets
#if canImport(Glibc)
import Glibc
#endif

/// Key material for decryption, gathered the way Flux reads a decryption Secret: entries ending
/// `.agekey` hold age identities (one per line, `#` comments), entries ending `.asc` hold armored
/// OpenPGP private keys (kept for the PGP decrypter), `sops.aws-kms`, `sops.gcp-kms`,
/// `sops.azure-kv` and `sops.vault-token` hold cloud KMS credentials (`KMSServiceCredentials`), every
/// other entry is ignored; blank entries are skipped. Values are secret: this type never prints them.
public struct DecryptionKeys: Sendable, CustomStringConvertible {
    public private(set) var ageIdentities: [AgeX25519Identity] = []
    /// Armored OpenPGP private key blocks, with the entry or file each came from.
    public private(set) var armoredPGPKeys: [(source: String, armored: String)] = []
    /// Cloud KMS credentials from the Secret's `sops.*` entries (they replace the ambient chains).
    public private(set) var serviceCredentials = KMSServiceCredentials()
    /// Where the keys came from (`secret sops-keys entry age.agekey`), for reports.
    public private(set) var sources: [String] = []

    public init() {}

    public var isEmpty: Bool { ageIdentities.isEmpty && armoredPGPKeys.isEmpty }

    public var description: String {
        "DecryptionKeys(\(ageIdentities.count) age identities, \(armoredPGPKeys.count) OpenPGP key blocks, \(serviceCredentials))"
    }

    /// Adds one named entry: `.agekey` → age identities, `.asc` → armored PGP key, `sops.aws-kms`,
    /// `sops.gcp-kms`, `sops.azure-kv`, `sops.vault-token` → KMS credentials, anything else ignored.
    /// Returns whether the entry was used.
    @discardableResult
    public mutating func addEntry(named name: String, contents: [UInt8], source: String) throws(SOPSError) -> Bool {
        let text = String(decoding: contents, as: UTF8.self)
        if name.hasSuffix(".agekey") {
            guard !text.allSatisfy(\.isWhitespace) else { return false }
            do {
                let identities = try AgeIdentityFile.parse(text)
                ageIdentities.append(contentsOf: identities)
            } catch {
                throw SOPSError(.invalidKeyMaterial, "failed to import '\(name)' from \(source): \(error.message)")
            }
            sources.append("\(source) \(name)")
            return true
        }
        if name.hasSuffix(".asc") {
            guard !text.allSatisfy(\.isWhitespace) else { return false }
            guard text.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----") else {
                throw SOPSError(.invalidKeyMaterial, "failed to import '\(name)' from \(source): not an armored OpenPGP private key block")
            }
            armoredPGPKeys.append((source: "\(source) \(name)", armored: text))
            sources.append("\(source) \(name)")
            return true
        }
        if try serviceCredentials.addEntry(named: name, contents: contents, source: source) {
            sources.append("\(source) \(name)")
            return true
        }
        return false
    }

    /// Loads the host Secret `name` (a directory or systemd credentials, see `HostSecretStore`).
    public static func fromHostSecret(named name: String, store: HostSecretStore) throws(SOPSError) -> DecryptionKeys {
        let secret: HostSecret
        do {
            secret = try store.secret(named: name)
        } catch {
            throw SOPSError(.invalidKeyMaterial, "cannot read the decryption Secret: \(error.message)")
        }
        var keys = DecryptionKeys()
        for entry in secret.entries.keys.sorted() {
            try keys.addEntry(named: entry, contents: secret.entries[entry] ?? [], source: "Secret \"\(name)\"")
        }
        return keys
    }

    /// Loads key files or directories given on the command line: a directory contributes its
    /// `.agekey` and `.asc` files (not recursively); a file named explicitly is read as an age identity
    /// file unless it ends in `.asc`.
    public static func fromPaths(_ paths: [String]) throws(SOPSError) -> DecryptionKeys {
        var keys = DecryptionKeys()
        for path in paths {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SOPSError(.invalidKeyMaterial, "key file or directory \(path) does not exist")
            }
            if isDirectory {
                let names: [String]
                do {
                    names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                } catch {
                    throw SOPSError(.invalidKeyMaterial, "cannot list the key directory \(path)")
                }
                for name in names where !name.hasPrefix(".") && (name.hasSuffix(".agekey") || name.hasSuffix(".asc")) {
                    let file = path.hasSuffix("/") ? path + name : path + "/" + name
                    try keys.addEntry(named: name, contents: try read(file), source: "directory \(path)")
                }
            } else {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                let entryName = name.hasSuffix(".asc") ? name : name + (name.hasSuffix(".agekey") ? "" : ".agekey")
                try keys.addEntry(named: entryName, contents: try read(path), source: "file")
            }
        }
        return keys
    }

    private static func read(_ path: String) throws(SOPSError) -> [UInt8] {
        var status = stat()
        if stat(path, &status) == 0, Int(status.st_mode) & 0o077 != 0 {
            let mode = Int(status.st_mode)
            throw SOPSError(.invalidKeyMaterial,
                "the key file \(path) is accessible by group or others (mode 0\(String(mode & 0o777, radix: 8))); run: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SOPSError(.invalidKeyMaterial, "cannot read the key file \(path)")
        }
        guard data.count <= HostSecretStore.maximumEntryBytes else {
            throw SOPSError(.invalidKeyMaterial, "the key file \(path) is larger than \(HostSecretStore.maximumEntryBytes) bytes")
        }
        return Array(data)
    }

    /// Combines two key sets.
    public mutating func merge(_ other: DecryptionKeys) {
        ageIdentities += other.ageIdentities
        serviceCredentials.merge(other.serviceCredentials)
        armoredPGPKeys += other.armoredPGPKeys
        sources += other.sources
    }
}
