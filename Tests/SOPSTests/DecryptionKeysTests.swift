import Foundation
import HostSecrets
import SOPS
import Testing
import TestSupport

/// Key material read the way Flux reads a decryption Secret (`*.agekey`, `*.asc`, the rest ignored).
@Suite("Decryption keys")
struct DecryptionKeysTests {
    @Test("a host Secret: .agekey entries load, .asc entries are kept, other entries are ignored")
    func hostSecret() async throws {
        let peer = try SOPSPeer("sops-keys")
        let secrets = peer.scratch.file("secrets")
        let directory = secrets + "/sops-keys"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let identity = try peer.scratch.read("key.txt")
        try peer.scratch.write("secrets/sops-keys/identity.agekey", identity, mode: 0o600)
        try peer.scratch.write("secrets/sops-keys/age.key", Array("not used: classic mistake".utf8), mode: 0o600)
        try peer.scratch.write("secrets/sops-keys/blank.agekey", Array("\n  \n".utf8), mode: 0o600)
        try peer.scratch.write("secrets/sops-keys/private.asc", Array("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxx\n-----END PGP PRIVATE KEY BLOCK-----\n".utf8), mode: 0o600)
        try peer.scratch.write("secrets/sops-keys/sops.vault-token", Array("s.token".utf8), mode: 0o600)
        let keys = try DecryptionKeys.fromHostSecret(named: "sops-keys", store: HostSecretStore(secretsDirectory: secrets, credentialsDirectory: nil))
        #expect(keys.ageIdentities.count == 1)
        #expect(keys.ageIdentities.first?.recipient.encoded == peer.recipient)
        #expect(keys.armoredPGPKeys.count == 1)
        #expect(keys.armoredPGPKeys.first?.source.hasSuffix("private.asc") == true)
        #expect(!keys.description.contains("AGE-SECRET-KEY"))

        let encrypted = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml")
        let decrypted = try await SOPSDecryptor(keys: keys).decrypt(encrypted, format: .yaml)
        #expect(decrypted == (try peer.decryptChecked(encrypted, name: "secret.yaml")))
    }

    @Test("a malformed .agekey entry fails with the entry name and no key material")
    func malformedEntry() throws {
        let scratch = try ScratchDirectory("sops-keys")
        try FileManager.default.createDirectory(atPath: scratch.file("secrets/bad"), withIntermediateDirectories: true)
        try scratch.write("secrets/bad/age.agekey", Array("# created\nAGE-SECRET-KEY-1NOTAREALKEYATALL\n".utf8), mode: 0o600)
        let error = #expect(throws: SOPSError.self) {
            try DecryptionKeys.fromHostSecret(named: "bad", store: HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil))
        }
        #expect(error?.code == .invalidKeyMaterial)
        #expect(error?.description.contains("age.agekey") == true)
        #expect(error?.description.contains("NOTAREALKEY") == false)
    }

    @Test("a missing Secret is a clear error")
    func missingSecret() throws {
        let scratch = try ScratchDirectory("sops-keys")
        let error = #expect(throws: SOPSError.self) {
            try DecryptionKeys.fromHostSecret(named: "absent", store: HostSecretStore(secretsDirectory: scratch.directory, credentialsDirectory: nil))
        }
        #expect(error?.code == .invalidKeyMaterial)
        #expect(error?.description.contains("absent") == true)
    }

    @Test("key files and directories from the command line")
    func paths() throws {
        let scratch = try ScratchDirectory("sops-keys")
        try FileManager.default.createDirectory(atPath: scratch.file("dir"), withIntermediateDirectories: true)
        let first = try SOPSPeer.generateAgeKey(at: scratch.file("dir/one.agekey"))
        let second = try SOPSPeer.generateAgeKey(at: scratch.file("dir/two.agekey"))
        try scratch.write("dir/ignored.txt", "AGE-SECRET-KEY-1 not read")
        let third = try SOPSPeer.generateAgeKey(at: scratch.file("keys.txt"))
        let keys = try DecryptionKeys.fromPaths([scratch.file("dir"), scratch.file("keys.txt")])
        #expect(keys.ageIdentities.map(\.recipient.encoded) == [first, second, third])
        #expect(throws: SOPSError.self) { try DecryptionKeys.fromPaths([scratch.file("nope")]) }
    }

    @Test("key files others can read are refused")
    func readableKeyFiles() throws {
        let scratch = try ScratchDirectory("sops-keys-mode")
        _ = try SOPSPeer.generateAgeKey(at: scratch.file("open.agekey"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: scratch.file("open.agekey"))
        let error = #expect(throws: SOPSError.self) { try DecryptionKeys.fromPaths([scratch.file("open.agekey")]) }
        #expect(error?.description.contains("chmod 600") == true)
        #expect(error?.description.contains("AGE-SECRET-KEY") == false)
    }
}
