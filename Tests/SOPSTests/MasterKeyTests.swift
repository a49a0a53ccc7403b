import CryptoPrimitives
import Foundation
import OpenPGP
import SOPS
import Testing
import TestSupport

/// Master keys: PGP through the in-process OpenPGP key ring (against keys made by the real GnuPG and
/// files made by the real sops), KMS-type keys reported, `hckms` refused.
@Suite("Master keys")
struct MasterKeyTests {
    /// A throw-away GnuPG home with one key of the given kind (real GnuPG 2.2).
    struct GnuPG {
        let home: String
        let fingerprint: String

        init(_ scratch: ScratchDirectory, primary: String = "ed25519", encryption: String = "cv25519", passphrase: String = "", name: String = "gnupg") throws {
            home = scratch.file(name)
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let environment = ["GNUPGHOME": home]
            let quiet = ["--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase]
            try Shell.check("gpg", quiet + ["--quick-gen-key", "SOPS Test <sops@example.invalid>", primary, "default", "never"], environment: environment)
            let listing = try Shell.check("gpg", ["--batch", "--with-colons", "--list-secret-keys"], environment: environment)
            guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }) else {
                throw TestFailure("gpg did not list the new key")
            }
            fingerprint = String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
            try Shell.check("gpg", quiet + ["--quick-add-key", fingerprint, encryption, "encr", "never"], environment: environment)
        }

        /// The secret key as `gpg --export-secret-keys --armor` writes it (what goes into a `.asc` entry).
        func exportedSecretKey(passphrase: String = "") throws -> String {
            try Shell.check("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--armor", "--export-secret-keys", fingerprint],
                environment: ["GNUPGHOME": home])
        }

        func stop() {
            _ = try? Shell.run("gpgconf", ["--kill", "all"], environment: ["GNUPGHOME": home])
        }
    }

    @Test("PGP master keys decrypt in-process with the OpenPGP key ring, byte for byte as sops", arguments: [
        ("ed25519", "cv25519"), ("rsa3072", "rsa3072"), ("nistp256", "nistp256"),
    ])
    func pgpKeys(_ primary: String, _ encryption: String) async throws {
        let peer = try SOPSPeer("sops-pgp")
        let gpg = try GnuPG(peer.scratch, primary: primary, encryption: encryption)
        defer { gpg.stop() }
        var keys = DecryptionKeys()
        try keys.addEntry(named: "team.asc", contents: Array(try gpg.exportedSecretKey().utf8), source: "test")
        let (decryptor, problems) = try SOPSDecryptor.forKeys(keys)
        #expect(problems.isEmpty)
        for (name, text) in [("secret.yaml", Fixtures.kubernetesSecret), ("config.json", "{\"a\": 1, \"b\": \"two\"}\n"), ("app.env", "A=1\nB=two\n")] {
            let path = try peer.scratch.write(name, text)
            let encrypted = try peer.sops(["encrypt", "--pgp", gpg.fingerprint, path], environment: ["GNUPGHOME": gpg.home])
            try #require(encrypted.status == 0, "sops --pgp failed: \(encrypted.error)")
            let expected = try peer.decrypt(encrypted.output, name: name, environment: ["GNUPGHOME": gpg.home])
            try #require(expected.status == 0)
            let format = try #require(SOPSFormat.forPath(name))
            #expect(try await decryptor.decrypt(encrypted.output, format: format) == expected.output, "\(primary) \(name)")
        }
        // Without the key the report names the fingerprint and says that no pgp keys are held.
        let path = try peer.scratch.write("other.yaml", Fixtures.kubernetesSecret)
        let encrypted = try peer.sops(["encrypt", "--pgp", gpg.fingerprint, path], environment: ["GNUPGHOME": gpg.home])
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(keys: DecryptionKeys()).decrypt(encrypted.output, format: .yaml)
        }
        #expect(error?.description.contains(gpg.fingerprint) == true)
        #expect(error?.description.contains("no pgp keys") == true)
    }

    @Test("a passphrase-protected PGP key is refused with its fingerprint, never tried")
    func protectedKey() async throws {
        let scratch = try ScratchDirectory("sops-pgp-protected")
        let gpg = try GnuPG(scratch, passphrase: "correct horse")
        defer { gpg.stop() }
        var keys = DecryptionKeys()
        try keys.addEntry(named: "team.asc", contents: Array(try gpg.exportedSecretKey(passphrase: "correct horse").utf8), source: "test")
        let (_, problems) = try SOPSDecryptor.forKeys(keys)
        #expect(problems.count >= 1)
        #expect(problems.joined().lowercased().contains("passphrase"))
        #expect(problems.joined().contains(gpg.fingerprint) || problems.joined().contains(String(gpg.fingerprint.suffix(16))))
    }

    /// A sops YAML file whose only master keys are of the given kinds (metadata written by hand).
    func file(withKeys keys: String) -> [UInt8] {
        Array("""
        a: ENC[AES256_GCM,data:AA==,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
        sops:
        \(keys)
            lastmodified: "2026-11-29T11:22:30Z"
            mac: ENC[AES256_GCM,data:AA==,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
            version: 3.11.0

        """.utf8)
    }

    @Test("hckms master keys are refused as unsupported")
    func huaweiCloud() async throws {
        let bytes = file(withKeys: """
                hckms:
                    - key_id: tr-west-1:0b9a7d6c-1111-2222-3333-444455556666
                      created_at: "2026-11-29T11:22:30Z"
                      enc: AAAA
            """)
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(decrypters: []).decrypt(bytes, format: .yaml)
        }
        #expect(error?.code == .unsupportedKeyType)
        #expect(error?.description.contains("hckms") == true)
    }

    @Test("KMS, GCP, Azure and Vault keys are listed by their public identifiers when nothing can open them")
    func cloudKeysReported() async throws {
        let bytes = file(withKeys: """
                kms:
                    - arn: arn:aws:kms:us-east-1:111122223333:key/abcd
                      role: arn:aws:iam::111122223333:role/sops
                      context:
                        app: demo
                      created_at: "2026-11-29T11:22:30Z"
                      enc: AAAA
                      aws_profile: ""
                gcp_kms:
                    - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k
                      created_at: "2026-11-29T11:22:30Z"
                      enc: AAAA
                azure_kv:
                    - vault_url: https://vault.vault.azure.net
                      name: sops
                      version: v1
                      created_at: "2026-11-29T11:22:30Z"
                      enc: AAAA
                hc_vault:
                    - vault_address: https://vault.example.invalid:8200
                      engine_path: transit
                      key_name: sops
                      created_at: "2026-11-29T11:22:30Z"
                      enc: vault:v1:AAAA
            """)
        let file = try SOPSFile(bytes: bytes, format: .yaml)
        #expect(file.metadata.masterKeys.map(\.typeName) == ["kms", "gcp_kms", "azure_kv", "hc_vault"])
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(decrypters: []).decrypt(bytes, format: .yaml)
        }
        #expect(error?.code == .noKeyDecrypted)
        let message = error?.description ?? ""
        for identifier in ["arn:aws:kms:us-east-1:111122223333:key/abcd+arn:aws:iam::111122223333:role/sops|app:demo",
            "projects/p/locations/global/keyRings/r/cryptoKeys/k", "https://vault.vault.azure.net/keys/sops/v1",
            "https://vault.example.invalid:8200/v1/transit/keys/sops"]
        {
            #expect(message.contains(identifier), "missing \(identifier) in \(message)")
        }
    }

    /// A decrypter plugged in for one key type is asked only for that type.
    struct FixedKeyDecrypter: MasterKeyDecrypter {
        let key: SecureBytes
        var holdings: String { "a test key service" }
        func decryptDataKey(_ masterKey: MasterKey) async throws -> SecureBytes? {
            guard case .kms = masterKey else { return nil }
            return key
        }
    }

    @Test("other targets plug in through the protocol (a KMS-type decrypter)")
    func pluggableDecrypter() async throws {
        let peer = try SOPSPeer("sops-plug")
        let encrypted = try peer.encrypt(Fixtures.dotenv, name: "app.env")
        // Recover the data key with age, then offer it through a "kms" entry only.
        let ageOnly = try SOPSFile(bytes: encrypted, format: .dotenv)
        guard case .age(_, let enc)? = ageOnly.metadata.masterKeys.first else {
            Issue.record("expected an age key")
            return
        }
        let identities = try DecryptionKeys.fromPaths([peer.keyFile]).ageIdentities
        let dataKey = try await AgeMasterKeyDecrypter(identities: identities).decryptDataKey(.age(recipient: "", encryptedDataKey: enc))
        let text = encrypted.text.components(separatedBy: "\n").filter { !$0.hasPrefix("sops_age__") }.joined(separator: "\n")
            + "sops_kms__list_0__map_arn=arn:aws:kms:eu-west-1:1:key/x\nsops_kms__list_0__map_created_at=2026-11-29T11:22:30Z\nsops_kms__list_0__map_enc=AAAA\n"
        let decrypted = try await SOPSDecryptor(decrypters: [FixedKeyDecrypter(key: try #require(dataKey))]).decrypt(Array(text.utf8), format: .dotenv)
        #expect(decrypted == (try peer.decryptChecked(encrypted, name: "app.env")))
    }
}
