import Foundation
import HostSecrets
import JSON
import KMS
import KMSTestSupport
import SOPS
import Testing
import TestSupport

/// Flux's cloud credential entries in the decryption Secret (`sops.aws-kms`, `sops.gcp-kms`,
/// `sops.azure-kv`, `sops.vault-token`): parsing, precedence over the ambient chains, and errors
/// that never carry secrets.
@Suite("KMS credentials from the decryption Secret")
struct KMSServiceCredentialsTests {
    func secretDirectory(_ scratch: ScratchDirectory, _ entries: [String: [UInt8]]) throws -> HostSecretStore {
        for (name, contents) in entries {
            try scratch.write("secrets/sops-keys/\(name)", contents, mode: 0o600)
        }
        return HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil)
    }

    static let awsEntry = "aws_access_key_id: AKIDFROMSECRET\naws_secret_access_key: secret-from-entry\naws_session_token: session-from-entry\n"

    @Test("a host Secret's sops.* entries load as KMS credentials next to age keys; descriptions show no values")
    func loadsEntries() throws {
        let scratch = try ScratchDirectory("kms-secret-load")
        let pki = try TestPKI.shared()
        let serviceAccount = """
            {"type": "service_account", "client_email": "sops@p.iam.gserviceaccount.com", "private_key_id": "k1",
             "private_key": "\(try pki.text(pki.serviceAccountKey).replacingOccurrences(of: "\n", with: "\\n"))"}
            """
        let identity = try runTool("age-keygen", [])
        let store = try secretDirectory(scratch, [
            "identity.agekey": identity,
            "sops.aws-kms": Array(Self.awsEntry.utf8),
            "sops.gcp-kms": Array(("\n" + serviceAccount + "\n").utf8),
            "sops.azure-kv": Array(#"{"tenantId": "t-1", "clientId": "app", "clientSecret": "azure-entry-secret"}"#.utf8),
            "sops.vault-token": Array("  hvs.entry-token \n".utf8),
            "sops.unknown": Array("ignored".utf8),
        ])
        let keys = try DecryptionKeys.fromHostSecret(named: "sops-keys", store: store)
        #expect(keys.ageIdentities.count == 1)
        let credentials = keys.serviceCredentials
        #expect(credentials.aws?.accessKeyID == "AKIDFROMSECRET")
        #expect(credentials.aws?.isTemporary == true)
        #expect(credentials.gcp?.kindName == "service account sops@p.iam.gserviceaccount.com")
        #expect(credentials.azure?.kindName == "client secret of app")
        #expect(credentials.vaultToken == "hvs.entry-token")
        #expect(keys.sources.count == 5)
        let printed = "\(keys) \(credentials) \(credentials.aws!) \(credentials.gcp!) \(credentials.azure!) "
            + KMSMasterKeyDecrypter(keys: keys, session: KMSTestEnvironment.session(home: scratch.directory)).holdings
        #expect(containsNone(printed, ["secret-from-entry", "session-from-entry", "azure-entry-secret", "hvs.entry-token", "PRIVATE KEY"]))
        #expect(printed.contains("Secret \"sops-keys\" entry sops.aws-kms"))
    }

    @Test("sops.azure-kv in Flux's shapes: YAML, UTF-16 with a byte order mark, az CLI output, client id only, certificate")
    func azureShapes() throws {
        func parse(_ bytes: [UInt8]) throws -> AzureCredentials? {
            var credentials = KMSServiceCredentials()
            try credentials.addEntry(named: "sops.azure-kv", contents: bytes, source: "test")
            return credentials.azure
        }
        #expect(try parse(Array("tenantId: t\nclientId: yaml-app\nclientSecret: s\n".utf8))?.kindName == "client secret of yaml-app")
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in #"{"TenantID": "t", "ClientID": "utf16-app", "ClientSecret": "s"}"#.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try parse(utf16)?.kindName == "client secret of utf16-app")
        #expect(try parse(Array(#"{"appId": "cli-app", "tenant": "t", "password": "p", "displayName": "x"}"#.utf8))?.kindName == "client secret of cli-app")
        #expect(try parse(Array(#"{"clientId": "mi-client"}"#.utf8))?.kindName == "managed identity mi-client")
        let pki = try TestPKI.shared()
        let pem = try pki.text(pki.clientCertificateAndKey).replacingOccurrences(of: "\n", with: "\\n")
        let certificate = try parse(Array(#"{"tenantId": "t", "clientId": "cert-app", "clientCertificate": "\#(pem)", "authorityHost": "https://login.example"}"#.utf8))
        #expect(certificate?.kindName == "client certificate of cert-app")
        #expect(certificate?.authorityHost == "https://login.example")
    }

    @Test("malformed entries fail with the entry name and never their contents", arguments: [
        ("sops.aws-kms", "aws_access_key_id: AKIDONLY\n"),
        ("sops.aws-kms", "aws_access_key_id: AKID\naws_secret_access_key: 0123456789\n"),
        ("sops.aws-kms", "[not: a mapping"),
        ("sops.gcp-kms", #"{"type": "service_account", "client_email": "x@y", "private_key": "leaked-private-material"}"#),
        ("sops.gcp-kms", "leaked-private-material"),
        ("sops.azure-kv", #"{"tenantId": "t", "clientSecret": "leaked-private-material"}"#),
        ("sops.azure-kv", #"{"tenantId": "t", "clientId": "c", "clientCertificate": "leaked-private-material"}"#),
    ])
    func malformedEntries(_ name: String, _ contents: String) throws {
        var credentials = KMSServiceCredentials()
        let error = #expect(throws: SOPSError.self) { try credentials.addEntry(named: name, contents: Array(contents.utf8), source: "Secret \"x\"") }
        #expect(error?.code == .invalidKeyMaterial)
        #expect(error?.description.contains("'\(name)'") == true)
        #expect(containsNone(error?.description ?? "", ["leaked-private-material", "0123456789", "AKIDONLY"]))
    }

    @Test("sops.aws-kms takes precedence over the ambient chain, against moto")
    func awsPrecedence() async throws {
        let peer = try SOPSPeer("kms-secret-aws")
        let arn = try Moto.createKey()
        let environment = try KMSMasterKeyTests.sopsAWSEnvironment()
        let path = try peer.scratch.write("secret.yaml", Fixtures.kubernetesSecret)
        let encrypted = try peer.sops(["encrypt", "--kms", arn, path], environment: environment)
        try #require(encrypted.status == 0, "\(encrypted.error)")
        let expected = try peer.decrypt(encrypted.output, name: "secret.yaml", environment: environment)
        try #require(expected.status == 0)
        // The ambient chain alone fails: AWS_PROFILE names a profile that does not exist.
        let session = KMSTestEnvironment.session(home: peer.scratch.directory, ["AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_PROFILE": "absent"])
        let ambient = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: session).decryptor.decrypt(encrypted.output, format: .yaml)
        }
        #expect(ambient?.message.contains("\"absent\" does not exist") == true)

        let keys = try DecryptionKeys.fromHostSecret(named: "sops-keys", store: try secretDirectory(peer.scratch, ["sops.aws-kms": Array(Self.awsEntry.utf8)]))
        #expect(try await SOPSDecryptor.forKeys(keys, kmsSession: session).decryptor.decrypt(encrypted.output, format: .yaml) == expected.output)
    }

    @Test("sops.gcp-kms takes precedence over GOOGLE_OAUTH_ACCESS_TOKEN, against a local GCP KMS stand-in")
    func gcpPrecedence() async throws {
        let pki = try TestPKI.shared()
        let fixture = try await KMSMasterKeyTests.StandInFile(.gcp, name: "secret.yaml", text: Fixtures.kubernetesSecret)
        try await fixture.standIn.configure([
            "denied": ["static:agent"],
            "service_accounts": ["sops@stageset.iam.gserviceaccount.com": .string(try pki.text(pki.serviceAccountPublicKey))],
        ])
        let entry = """
            {"type": "service_account", "client_email": "sops@stageset.iam.gserviceaccount.com", "private_key_id": "k1",
             "private_key": "\(try pki.text(pki.serviceAccountKey).replacingOccurrences(of: "\n", with: "\\n"))",
             "token_uri": "\(fixture.standIn.httpURL)/token"}
            """
        let ambient = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: fixture.session).decryptor.decrypt(fixture.file, format: .yaml)
        }
        #expect(ambient?.message.contains("PERMISSION_DENIED") == true)
        let keys = try DecryptionKeys.fromHostSecret(named: "sops-keys", store: try secretDirectory(fixture.peer.scratch, ["sops.gcp-kms": Array(entry.utf8)]))
        #expect(try await SOPSDecryptor.forKeys(keys, kmsSession: fixture.session).decryptor.decrypt(fixture.file, format: .yaml) == fixture.expected)
        let last = try await fixture.standIn.requests(matching: ":decrypt").last
        #expect(last?["headers"]?["Authorization"]?.stringValue != "Bearer gcp-agent-token")
    }

    @Test("sops.azure-kv takes precedence over AZURE_CLIENT_SECRET, against a local Azure Key Vault stand-in")
    func azurePrecedence() async throws {
        let fixture = try await KMSMasterKeyTests.StandInFile(.azure, name: "secret.yaml", text: Fixtures.kubernetesSecret,
            sessionVariables: ["AZURE_CLIENT_SECRET": "stale-ambient-secret"])
        let ambient = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: fixture.session).decryptor.decrypt(fixture.file, format: .yaml)
        }
        #expect(ambient?.message.contains("AADSTS7000215") == true)
        #expect(ambient?.description.contains("stale-ambient-secret") == false)
        let entry = "tenantId: tenant-1\nclientId: agent-app\nclientSecret: azure-agent-secret\nauthorityHost: \(fixture.standIn.httpsURL)\n"
        let keys = try DecryptionKeys.fromHostSecret(named: "sops-keys", store: try secretDirectory(fixture.peer.scratch, ["sops.azure-kv": Array(entry.utf8)]))
        #expect(try await SOPSDecryptor.forKeys(keys, kmsSession: fixture.session).decryptor.decrypt(fixture.file, format: .yaml) == fixture.expected)
    }

    @Test("sops.vault-token takes precedence over VAULT_TOKEN; a refused token never appears in the error, against a local Vault transit stand-in")
    func vaultPrecedence() async throws {
        let fixture = try await KMSMasterKeyTests.StandInFile(.vault, name: "config.json", text: "{\"password\": \"hunter2\"}\n",
            sessionVariables: ["VAULT_TOKEN": "hvs.revoked-ambient"])
        try await fixture.standIn.configure(["echo_token_in_errors": true])
        let ambient = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor.forKeys(DecryptionKeys(), kmsSession: fixture.session).decryptor.decrypt(fixture.file, format: .json)
        }
        #expect(ambient?.message.contains("permission denied") == true)
        #expect(ambient.map { containsNone($0.description, ["hvs.revoked-ambient", "hunter2", fixture.dataKey.base64]) } == true)

        let keys = try DecryptionKeys.fromHostSecret(named: "sops-keys",
            store: try secretDirectory(fixture.peer.scratch, ["sops.vault-token": Array("hvs.agent-token\n".utf8)]))
        #expect(try await SOPSDecryptor.forKeys(keys, kmsSession: fixture.session).decryptor.decrypt(fixture.file, format: .json) == fixture.expected)
    }
}

/// Whether `text` contains none of `secrets`.
func containsNone(_ text: String, _ secrets: [String]) -> Bool {
    !secrets.contains { !$0.isEmpty && text.contains($0) }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
