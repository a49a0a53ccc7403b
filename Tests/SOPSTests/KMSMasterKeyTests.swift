import Foundation
import JSON
import KMS
import KMSTestSupport
import SOPS
import Testing
import TestSupport

/// SOPS files with cloud KMS master keys: AWS KMS files written by the real sops against moto;
/// GCP, Azure and Vault files built from age-encrypted sops files with entries encrypted by local
/// stand-ins (see KMSFixtures); mixed files and key groups with Shamir thresholds.
@Suite("KMS master keys")
struct KMSMasterKeyTests {
    /// What sops needs to reach moto (sops inherits the rest of the test environment).
    static func sopsAWSEnvironment() throws -> [String: String] {
        ["AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
         "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_SESSION_TOKEN": ""]
    }

    /// A session for our clients: nothing inherited, moto for KMS and STS.
    static func awsSession(_ home: ScratchDirectory, _ extra: [String: String] = [:]) throws -> KMSSession {
        var variables = ["AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "AKIDAGENT", "AWS_SECRET_ACCESS_KEY": "agent-secret"]
        for (name, value) in extra { variables[name] = value }
        return KMSTestEnvironment.session(home: home.directory, variables)
    }

    static let documents: [(String, String)] = [
        ("secret.yaml", Fixtures.kubernetesSecret), ("config.json", "{\"a\": 1, \"b\": \"two\", \"nested\": {\"c\": [true, null]}}\n"),
        ("app.env", "A=1\nB=two words\n"),
    ]

    @Test("files sops encrypted with AWS KMS decrypt byte for byte as sops decrypt (plain, --encryption-context, key+role), against moto",
        arguments: ["plain", "context", "role"])
    func awsFiles(_ variant: String) async throws {
        let peer = try SOPSPeer("sops-kms-aws")
        let arn = try Moto.createKey(region: "eu-central-1")
        let environment = try Self.sopsAWSEnvironment()
        let (decryptor, _) = try SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: try Self.awsSession(peer.scratch))
        for (name, text) in Self.documents {
            let path = try peer.scratch.write(name, text)
            var arguments = ["encrypt"]
            switch variant {
            case "context": arguments += ["--kms", arn, "--encryption-context", "app:payments,env:prod"]
            case "role": arguments += ["--kms", "\(arn)+arn:aws:iam::123456789012:role/sops-decrypt"]
            default: arguments += ["--kms", arn]
            }
            let encrypted = try peer.sops(arguments + [path], environment: environment)
            try #require(encrypted.status == 0, "sops encrypt --kms failed: \(encrypted.error)")
            let expected = try peer.decrypt(encrypted.output, name: name, environment: environment)
            try #require(expected.status == 0, "sops decrypt failed: \(expected.error)")
            let ours = try await decryptor.decrypt(encrypted.output, format: SOPSFormat.forPath(name), fileName: name)
            #expect(ours == expected.output, "\(variant) \(name): \(firstDifference(expected.output, ours))")
        }
    }

    @Test("a changed encryption context fails with the ARN and the cause, as sops does, against moto")
    func wrongContext() async throws {
        let peer = try SOPSPeer("sops-kms-context")
        let arn = try Moto.createKey()
        let environment = try Self.sopsAWSEnvironment()
        let path = try peer.scratch.write("secret.yaml", Fixtures.kubernetesSecret)
        let encrypted = try peer.sops(["encrypt", "--kms", arn, "--encryption-context", "app:payments", path], environment: environment)
        try #require(encrypted.status == 0, "\(encrypted.error)")
        let tampered = Array(encrypted.output.text.replacingOccurrences(of: "app: payments", with: "app: billing").utf8)
        #expect(try peer.decrypt(tampered, name: "secret.yaml", environment: environment).status != 0)

        let (decryptor, _) = try SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: try Self.awsSession(peer.scratch))
        let error = await #expect(throws: SOPSError.self) { try await decryptor.decrypt(tampered, format: .yaml, fileName: "secret.yaml") }
        #expect(error?.code == .noKeyDecrypted)
        #expect(error?.description.contains(arn) == true)
        #expect(error?.description.contains("encryption context") == true)
        #expect(error?.description.contains("agent-secret") == false)
    }

    enum StandInProvider: String, CaseIterable, Sendable {
        case gcp, azure, vault
    }

    /// A file sops encrypted with age, plus an entry for `provider` wrapping the same data key, the
    /// expected plaintext from `sops decrypt`, and a session reaching the stand-in.
    struct StandInFile {
        let peer: SOPSPeer
        let standIn: StandIn
        let file: [UInt8]
        let expected: [UInt8]
        let session: KMSSession
        let format: SOPSFormat
        let dataKey: [UInt8]

        init(_ provider: StandInProvider, name: String, text: String, sessionVariables: [String: String] = [:]) async throws {
            let peer = try SOPSPeer("sops-kms-\(provider.rawValue)")
            self.peer = peer
            format = SOPSFormat.forPath(name)
            let ageFile = try peer.encrypt(text, name: name)
            dataKey = try KMSFixtures.ageWrappedSecret(ageFile, format: format, identityFile: peer.keyFile)
            let pki = try TestPKI.shared()
            let entry: KMSFixtures.Entry
            var variables: [String: String]
            switch provider {
            case .gcp:
                standIn = try StandIn(.gcpKMS, config: ["static_tokens": ["gcp-agent-token": "static:agent"]])
                let resource = "projects/stageset/locations/europe-west1/keyRings/sops/cryptoKeys/files"
                let result = try await standIn.call(["op": "encrypt", "resource": .string(resource), "plaintext": .string(KMSFixtures.base64(dataKey))])
                entry = .gcp(resourceID: resource, enc: result["ciphertext"]?.stringValue ?? "")
                variables = ["SOPS_GCP_KMS_ENDPOINT": standIn.httpURL, "GOOGLE_OAUTH_ACCESS_TOKEN": "gcp-agent-token"]
            case .azure:
                standIn = try StandIn(.azureKeyVault, config: [
                    "tenant": "tenant-1", "clients": ["agent-app": ["secret": "azure-agent-secret"]],
                ], pki: pki)
                try await standIn.configure(["authority": .string(standIn.httpsURL)])
                _ = try await standIn.call(["op": "create_key", "name": "sops", "version": "v1"])
                let result = try await standIn.call(["op": "encrypt", "name": "sops", "version": "v1", "plaintext": .string(KMSFixtures.base64(dataKey))])
                entry = .azure(vaultURL: "https://files.vault.localhost:\(standIn.port)", name: "sops", version: "v1",
                    enc: result["value"]?.stringValue ?? "")
                variables = [
                    "SSL_CERT_FILE": pki.caCertificate, "AZURE_AUTHORITY_HOST": standIn.httpsURL, "AZURE_TENANT_ID": "tenant-1",
                    "AZURE_CLIENT_ID": "agent-app", "AZURE_CLIENT_SECRET": "azure-agent-secret",
                ]
            case .vault:
                standIn = try StandIn(.vaultTransit, config: ["tokens": ["hvs.agent-token": "agent"], "mounts": ["sops/transit"]])
                let result = try await standIn.call(["op": "encrypt", "mount": "sops/transit", "key": "files", "plaintext": .string(KMSFixtures.base64(dataKey))])
                entry = .vault(address: standIn.httpURL, enginePath: "sops/transit", keyName: "files", enc: result["ciphertext"]?.stringValue ?? "")
                variables = ["VAULT_TOKEN": "hvs.agent-token"]
            }
            for (key, value) in sessionVariables { variables[key] = value }
            file = try KMSFixtures.inserting(entry, into: ageFile, format: format)
            let decrypted = try peer.decrypt(file, name: name)
            guard decrypted.status == 0 else { throw TestFailure("sops decrypt of the fixture failed: \(decrypted.error)") }
            expected = decrypted.output
            session = KMSTestEnvironment.session(home: peer.scratch.directory, variables)
        }
    }

    @Test("files with a gcp_kms, azure_kv or hc_vault entry decrypt with that key alone, byte for byte as sops decrypt, against local GCP KMS, Azure Key Vault and Vault transit stand-ins",
        arguments: StandInProvider.allCases, ["secret.yaml", "config.json", "app.env"])
    func standInFiles(_ provider: StandInProvider, _ name: String) async throws {
        let text = Self.documents.first { $0.0 == name }!.1
        let fixture = try await StandInFile(provider, name: name, text: text)
        let (decryptor, _) = try SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: fixture.session)
        let ours = try await decryptor.decrypt(fixture.file, format: fixture.format, fileName: name)
        #expect(ours == fixture.expected, "\(provider) \(name): \(firstDifference(fixture.expected, ours))")
        // Azure: the unauthenticated challenge, then the decrypt.
        #expect(try await fixture.standIn.requests(matching: provider == .gcp ? ":decrypt" : "/decrypt").count == (provider == .azure ? 2 : 1))
    }

    @Test("a file with an age key and an AWS KMS key decrypts with either, against moto")
    func mixedFile() async throws {
        let peer = try SOPSPeer("sops-kms-mixed")
        let arn = try Moto.createKey()
        let environment = try Self.sopsAWSEnvironment()
        let path = try peer.scratch.write("secret.yaml", Fixtures.kubernetesSecret)
        let encrypted = try peer.sops(["encrypt", "--age", peer.recipient, "--kms", arn, path], environment: environment)
        try #require(encrypted.status == 0, "\(encrypted.error)")
        let expected = try peer.decrypt(encrypted.output, name: "secret.yaml", environment: environment)
        try #require(expected.status == 0, "\(expected.error)")

        var ageKeys = DecryptionKeys()
        try ageKeys.addEntry(named: "age.agekey", contents: try peer.scratch.read("key.txt"), source: "test")
        #expect(try await SOPSDecryptor(keys: ageKeys).decrypt(encrypted.output, format: .yaml) == expected.output)

        let (kmsOnly, _) = try SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: try Self.awsSession(peer.scratch))
        #expect(try await kmsOnly.decrypt(encrypted.output, format: .yaml) == expected.output)
    }

    @Test("key groups mixing AWS KMS and age honour shamir_threshold, against moto")
    func keyGroupsWithKMS() async throws {
        let peer = try SOPSPeer("sops-kms-groups")
        let arn = try Moto.createKey()
        let secondKey = peer.scratch.file("second.txt")
        let second = try SOPSPeer.generateAgeKey(at: secondKey)
        let config = """
            creation_rules:
              - shamir_threshold: 2
                key_groups:
                  - kms:
                      - arn: \(arn)
                  - age: [\(peer.recipient)]
                  - age: [\(second)]
            """
        let path = try peer.scratch.write("secret.yaml", Fixtures.kubernetesSecret)
        let configPath = try peer.scratch.write("sops-config.yaml", config)
        let environment = try Self.sopsAWSEnvironment()
        let encrypted = try peer.sops(["--config", configPath, "encrypt", path], environment: environment)
        try #require(encrypted.status == 0, "\(encrypted.error)")
        let decrypted = try peer.decrypt(encrypted.output, name: "secret.yaml", environment: environment)
        try #require(decrypted.status == 0, "\(decrypted.error)")
        let expected = decrypted.output

        func keys(_ files: [String]) throws -> DecryptionKeys {
            var keys = DecryptionKeys()
            for file in files { try keys.addEntry(named: "k.agekey", contents: try peer.scratch.read(file), source: "test") }
            return keys
        }
        let session = try Self.awsSession(peer.scratch)
        // KMS + first age key; the two age keys without KMS.
        #expect(try await SOPSDecryptor.forKeys(try keys(["key.txt"]), kmsSession: session).decryptor.decrypt(encrypted.output, format: .yaml) == expected)
        #expect(try await SOPSDecryptor(keys: try keys(["key.txt", "second.txt"])).decrypt(encrypted.output, format: .yaml) == expected)
        // KMS alone is one share of the two needed.
        let short = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: session).decryptor.decrypt(encrypted.output, format: .yaml)
        }
        #expect(short?.message.contains("needs 2 of 3 key groups") == true)
        // An unreachable KMS is reported as a transient failure of its group.
        let unreachable = try Self.awsSession(peer.scratch, ["AWS_ENDPOINT_URL": "http://127.0.0.1:1"])
        let down = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(try keys(["second.txt"]), kmsSession: unreachable).decryptor.decrypt(encrypted.output, format: .yaml)
        }
        #expect(down?.message.contains(arn) == true)
        #expect(down?.message.contains("transient") == true)
    }

    @Test("a Vault transit key inside a key group unwraps that group's Shamir share, against a local Vault transit stand-in")
    func vaultInKeyGroup() async throws {
        let peer = try SOPSPeer("sops-kms-vault-group")
        let secondKey = peer.scratch.file("second.txt")
        let second = try SOPSPeer.generateAgeKey(at: secondKey)
        let config = """
            creation_rules:
              - shamir_threshold: 2
                key_groups:
                  - age: [\(peer.recipient)]
                  - age: [\(second)]
            """
        let ageFile = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", config: config)
        let share = try KMSFixtures.ageWrappedSecret(ageFile, format: .yaml, group: 0, identityFile: peer.keyFile)
        #expect(share.count == 33)
        let standIn = try StandIn(.vaultTransit, config: ["tokens": ["hvs.agent-token": "agent"]])
        let result = try await standIn.call(["op": "encrypt", "mount": "transit", "key": "group0", "plaintext": .string(KMSFixtures.base64(share))])
        let file = try KMSFixtures.inserting(
            .vault(address: standIn.httpURL, enginePath: "transit", keyName: "group0", enc: result["ciphertext"]?.stringValue ?? ""),
            into: ageFile, format: .yaml, group: 0)
        let bothKeys = try peer.scratch.write("both.txt", try peer.scratch.read("key.txt") + (try peer.scratch.read("second.txt")), mode: 0o600)
        let expected = try peer.decryptChecked(file, name: "secret.yaml", keyFile: bothKeys)

        var keys = DecryptionKeys()
        try keys.addEntry(named: "second.agekey", contents: try peer.scratch.read("second.txt"), source: "test")
        let session = KMSTestEnvironment.session(home: peer.scratch.directory, ["VAULT_TOKEN": "hvs.agent-token"])
        #expect(try await SOPSDecryptor.forKeys(keys, kmsSession: session).decryptor.decrypt(file, format: .yaml) == expected)
        let alone = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: session).decryptor.decrypt(file, format: .yaml)
        }
        #expect(alone?.message.contains("needs 2 of 2 key groups") == true)
    }

    @Test("the decrypter reports what it holds and refuses an undecodable enc without a request")
    func holdingsAndMalformedEnc() async throws {
        let scratch = try ScratchDirectory("sops-kms-holdings")
        let decrypter = KMSMasterKeyDecrypter(session: KMSTestEnvironment.session(home: scratch.directory))
        #expect(decrypter.holdings.contains("ambient credentials"))
        let error = await #expect(throws: SOPSError.self) {
            try await decrypter.decryptDataKey(.gcpKMS(resourceID: "projects/p/locations/l/keyRings/r/cryptoKeys/k", createdAt: "", encryptedDataKey: "%%%"))
        }
        #expect(error?.code == .noKeyDecrypted)
        #expect(error?.message.contains("not standard base64") == true)
        #expect(try await decrypter.decryptDataKey(.age(recipient: "age1x", encryptedDataKey: "")) == nil)
    }
}
