import Foundation
import JSON
import KMS
import KMSTestSupport
import Testing
import TestSupport

/// Vault / OpenBao transit decrypt against a local transit stand-in (AES-256-GCM, vault:v1: ciphertexts).
@Suite("Vault transit client")
struct VaultTransitClientTests {
    struct Fixture {
        let standIn: StandIn
        let home: ScratchDirectory
        let pki: TestPKI
        let dataKey = randomDataKey()
        let ciphertext: String

        init(_ label: String, mount: String = "transit", config: JSONValue = [:]) async throws {
            pki = try TestPKI.shared()
            home = try ScratchDirectory(label)
            let tokens: JSONValue = ["hvs.good-token": "sops-decrypter", "hvs.other-token": "other"]
            var settings = JSONObject([("tokens", tokens), ("mounts", .array(["transit", "team/sops-transit"]))])
            for (key, value) in config.objectValue ?? JSONObject() { settings[key] = value }
            standIn = try StandIn(.vaultTransit, config: .object(settings), pki: pki)
            let encrypted = try await standIn.call(["op": "encrypt", "mount": .string(mount), "key": "sops", "plaintext": .string(dataKey.base64)])
            ciphertext = encrypted["ciphertext"]?.stringValue ?? ""
        }

        func session(_ variables: [String: String]) -> KMSSession { testSession(home: home, variables) }

        func decrypt(_ session: KMSSession, token: String? = nil, address: String? = nil, enginePath: String = "transit", key: String = "sops")
            async throws -> [UInt8]
        {
            Array(try await VaultTransitClient(session: session, token: token)
                .decrypt(ciphertext: ciphertext, address: address ?? standIn.httpURL, enginePath: enginePath, keyName: key))
        }
    }

    @Test("VAULT_TOKEN, X-Vault-Token and the file's address (VAULT_ADDR ignored), against a local Vault transit stand-in")
    func environmentToken() async throws {
        let fixture = try await Fixture("vault-env")
        let session = fixture.session(["VAULT_TOKEN": "hvs.good-token", "VAULT_ADDR": "http://127.0.0.1:1"])
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
        let request = try await fixture.standIn.requests(matching: "/v1/transit/decrypt/sops").first
        #expect(request?["headers"]?["X-Vault-Token"]?.stringValue == "hvs.good-token")
        #expect(request?["body"]?.stringValue?.contains(fixture.ciphertext) == true)
    }

    @Test("the token file ~/.vault-token, and an explicit token over VAULT_TOKEN, against a local Vault transit stand-in")
    func tokenSources() async throws {
        let fixture = try await Fixture("vault-file")
        try fixture.home.write(".vault-token", "hvs.good-token\n", mode: 0o600)
        #expect(try await fixture.decrypt(fixture.session([:])) == fixture.dataKey)
        let explicit = fixture.session(["VAULT_TOKEN": "hvs.revoked"])
        #expect(try await fixture.decrypt(explicit, token: " hvs.good-token\n") == fixture.dataKey)
    }

    @Test("nested engine paths are joined and cleaned like Go's path.Join, against a local Vault transit stand-in")
    func nestedMount() async throws {
        let fixture = try await Fixture("vault-nested", mount: "team/sops-transit")
        let session = fixture.session(["VAULT_TOKEN": "hvs.good-token"])
        #expect(try await fixture.decrypt(session, enginePath: "team//sops-transit/") == fixture.dataKey)
        #expect(try await fixture.decrypt(session, enginePath: "team/other/../sops-transit") == fixture.dataKey)
        #expect(try await fixture.standIn.requests(matching: "/v1/team/sops-transit/decrypt/sops").count == 2)
    }

    @Test("VAULT_NAMESPACE is sent as X-Vault-Namespace, against a local Vault transit stand-in")
    func namespace() async throws {
        let fixture = try await Fixture("vault-namespace", config: ["namespace": "admin/team"])
        let without = await #expect(throws: KMSError.self) { try await fixture.decrypt(fixture.session(["VAULT_TOKEN": "hvs.good-token"])) }
        #expect(without?.code == .keyNotFound)
        #expect(try await fixture.decrypt(fixture.session(["VAULT_TOKEN": "hvs.good-token", "VAULT_NAMESPACE": "admin/team"])) == fixture.dataKey)
    }

    @Test("TLS: VAULT_CACERT trusts the server, an unknown CA fails, VAULT_SKIP_VERIFY skips verification, against a local Vault transit stand-in")
    func tls() async throws {
        let fixture = try await Fixture("vault-tls")
        let address = fixture.standIn.httpsURL
        let trusted = fixture.session(["VAULT_TOKEN": "hvs.good-token", "VAULT_CACERT": fixture.pki.caCertificate])
        #expect(try await fixture.decrypt(trusted, address: address) == fixture.dataKey)
        let pem = fixture.session(["VAULT_TOKEN": "hvs.good-token", "VAULT_CACERT_BYTES": try fixture.pki.text(fixture.pki.caCertificate)])
        #expect(try await fixture.decrypt(pem, address: address) == fixture.dataKey)
        let untrusted = fixture.session(["VAULT_TOKEN": "hvs.good-token", "VAULT_CACERT": fixture.pki.otherCACertificate])
        let error = await #expect(throws: KMSError.self) { try await fixture.decrypt(untrusted, address: address) }
        #expect(error?.code == .unavailable)
        let skipping = fixture.session(["VAULT_TOKEN": "hvs.good-token", "VAULT_CACERT": fixture.pki.otherCACertificate, "VAULT_SKIP_VERIFY": "true"])
        #expect(try await fixture.decrypt(skipping, address: address) == fixture.dataKey)
        #expect(try await fixture.standIn.requests(matching: "/decrypt/").allSatisfy { $0["tls"]?.boolValue == true })
    }

    @Test("SOPS_HC_VAULT_ALLOWLIST refuses other servers before sending the token, against a local Vault transit stand-in")
    func allowlist() async throws {
        let fixture = try await Fixture("vault-allow")
        let refused = fixture.session(["VAULT_TOKEN": "hvs.good-token", "SOPS_HC_VAULT_ALLOWLIST": "https://vault.example.com:8200"])
        let error = await #expect(throws: KMSError.self) { try await fixture.decrypt(refused) }
        #expect(error?.code == .invalidKeyReference)
        #expect(try await fixture.standIn.requests(matching: "/v1/").isEmpty)
        let none = fixture.session(["VAULT_TOKEN": "hvs.good-token", "SOPS_HC_VAULT_ALLOWLIST": "none"])
        await #expect(throws: KMSError.self) { try await fixture.decrypt(none) }
        let allowed = fixture.session(["VAULT_TOKEN": "hvs.good-token", "SOPS_HC_VAULT_ALLOWLIST": "https://vault.example.com, \(fixture.standIn.httpURL)"])
        #expect(try await fixture.decrypt(allowed) == fixture.dataKey)
    }

    @Test("errors: denied (token redacted when echoed), unknown key, damaged ciphertext, no token, against a local Vault transit stand-in")
    func errors() async throws {
        let fixture = try await Fixture("vault-errors", config: ["echo_token_in_errors": true, "denied": ["other"]])
        let denied = await #expect(throws: KMSError.self) { try await fixture.decrypt(fixture.session(["VAULT_TOKEN": "hvs.other-token"])) }
        #expect(denied?.code == .accessDenied)
        #expect(denied?.description.contains("hvs.other-token") == false)
        #expect(denied?.description.contains("VAULT_TOKEN") == true)
        #expect(denied?.description.contains("/v1/transit/keys/sops") == true)

        let session = fixture.session(["VAULT_TOKEN": "hvs.good-token"])
        let unknown = await #expect(throws: KMSError.self) { try await fixture.decrypt(session, key: "absent") }
        #expect(unknown?.code == .keyNotFound)

        let client = VaultTransitClient(session: session)
        let damaged = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertext: "vault:v1:" + Data(repeating: 7, count: 48).base64EncodedString(), address: fixture.standIn.httpURL,
                enginePath: "transit", keyName: "sops")
        }
        #expect(damaged?.code == .invalidCiphertext)

        let noToken = await #expect(throws: KMSError.self) { try await fixture.decrypt(fixture.session([:])) }
        #expect(noToken?.code == .noCredentials)
        #expect(noToken?.message.contains("VAULT_TOKEN") == true)
        #expect(noToken?.message.contains(".vault-token") == true)
    }

    @Test("503 (sealed or standby) is retried, and a lasting 503 is reported as transient, against a local Vault transit stand-in")
    func retries() async throws {
        let fixture = try await Fixture("vault-retry")
        let session = fixture.session(["VAULT_TOKEN": "hvs.good-token"])
        try await fixture.standIn.queueFaults(match: "/decrypt/", [(503, ["errors": ["Vault is sealed"]])])
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
        try await fixture.standIn.queueFaults(match: "/decrypt/", Array(repeating: (503, ["errors": ["Vault is sealed"]]), count: 3))
        let error = await #expect(throws: KMSError.self) { try await fixture.decrypt(session) }
        #expect(error?.code == .unavailable)
        #expect(error?.isTransient == true)
        #expect(error?.description.contains("transient") == true)
    }
}
