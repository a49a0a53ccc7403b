import Foundation
import JSON
import KMS
import KMSTestSupport
import Testing
import TestSupport

/// Key Vault decrypt (RSA-OAEP-256) and Entra ID credentials against a local Azure stand-in over
/// TLS: the vault answers with its 401 challenge, the token endpoint verifies secrets, certificate
/// assertions (RS256 signature and x5t) and federated tokens, IMDS and App Service endpoints issue
/// managed identity tokens.
@Suite("Azure Key Vault client")
struct AzureKeyVaultClientTests {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    struct Fixture {
        let standIn: StandIn
        let home: ScratchDirectory
        let pki: TestPKI
        let dataKey = randomDataKey()
        let ciphertext: [UInt8]
        let keyName = "sops-key"
        let keyVersion = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

        init(_ label: String, config: JSONValue = [:]) async throws {
            pki = try TestPKI.shared()
            home = try ScratchDirectory(label)
            let defaults: JSONValue = [
                "tenant": .string(AzureKeyVaultClientTests.tenant),
                "clients": [
                    "secret-app": ["secret": "app-client-secret"],
                    "cert-app": ["certificate": .string(try pki.text(pki.clientCertificate))],
                    "workload-app": ["federated_token": "federated-jwt-from-kubelet"],
                ],
                "managed_identities": ["system", "user-assigned-id"],
                "identity_header": "app-service-header-secret",
            ]
            var settings = defaults.objectValue ?? JSONObject()
            for (key, value) in config.objectValue ?? JSONObject() { settings[key] = value }
            standIn = try StandIn(.azureKeyVault, config: .object(settings), pki: pki)
            try await standIn.configure(["authority": .string(standIn.httpsURL)])
            _ = try await standIn.call(["op": "create_key", "name": .string(keyName), "version": .string(keyVersion)])
            let encrypted = try await standIn.call([
                "op": "encrypt", "name": .string(keyName), "version": .string(keyVersion), "plaintext": .string(dataKey.base64),
            ])
            var text = encrypted["value"]?.stringValue ?? ""
            text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            text += String(repeating: "=", count: (4 - text.count % 4) % 4)
            ciphertext = Array(Data(base64Encoded: text) ?? Data())
        }

        /// The vault's URL: a name below vault.localhost (resolved to loopback by libcurl), so the
        /// challenge's resource https://vault.localhost is a parent domain, as for *.vault.azure.net.
        var vaultURL: String { "https://kv-test.vault.localhost:\(standIn.port)" }

        func session(_ variables: [String: String]) -> KMSSession {
            var all = ["SSL_CERT_FILE": pki.caCertificate, "AZURE_AUTHORITY_HOST": standIn.httpsURL]
            for (name, value) in variables { all[name] = value }
            return testSession(home: home, all)
        }

        func decrypt(_ session: KMSSession, credentials: AzureCredentials? = nil) async throws -> [UInt8] {
            Array(try await AzureKeyVaultClient(session: session, credentials: credentials)
                .decrypt(ciphertext: ciphertext, vaultURL: vaultURL, keyName: keyName, keyVersion: keyVersion))
        }
    }

    @Test("client secret from AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, after the vault's challenge, against a local Azure Key Vault stand-in")
    func clientSecret() async throws {
        let fixture = try await Fixture("azure-secret")
        let session = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "secret-app", "AZURE_CLIENT_SECRET": "app-client-secret"])
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
        let vault = try await fixture.standIn.requests(matching: "/keys/")
        #expect(vault.count == 3, "one challenge, then two authenticated decrypts")
        #expect(vault.first?["headers"]?["Authorization"] == nil)
        #expect(vault.allSatisfy { $0["tls"]?.boolValue == true })
        let token = try await fixture.standIn.requests(matching: "/oauth2/v2.0/token")
        #expect(token.count == 1, "the token is cached")
        #expect(token.first?["body"]?.stringValue?.contains("scope=https%3A%2F%2Fvault.localhost%2F.default") == true)
    }

    @Test("client certificate: RS256 client assertion with the x5t thumbprint (and x5c when asked), against a local Azure Key Vault stand-in")
    func clientCertificate() async throws {
        let fixture = try await Fixture("azure-cert")
        let session = fixture.session([
            "AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "cert-app", "AZURE_CLIENT_CERTIFICATE_PATH": fixture.pki.clientCertificateAndKey,
            "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": "true",
        ])
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
        #expect(try await fixture.standIn.call(["op": "state"])["last_x5c_count"] == .integer(1))
    }

    @Test("workload identity: the federated token file as client assertion, against a local Azure Key Vault stand-in")
    func workloadIdentity() async throws {
        let fixture = try await Fixture("azure-workload")
        let tokenFile = try fixture.home.write("azure-identity-token", "federated-jwt-from-kubelet\n", mode: 0o600)
        let session = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "workload-app", "AZURE_FEDERATED_TOKEN_FILE": tokenFile])
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
    }

    @Test("managed identity through IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST), system- and user-assigned, against a local Azure IMDS stand-in")
    func managedIdentity() async throws {
        let fixture = try await Fixture("azure-imds")
        #expect(try await fixture.decrypt(fixture.session(["AZURE_POD_IDENTITY_AUTHORITY_HOST": fixture.standIn.httpURL])) == fixture.dataKey)
        let user = fixture.session(["AZURE_POD_IDENTITY_AUTHORITY_HOST": fixture.standIn.httpURL, "AZURE_CLIENT_ID": "user-assigned-id"])
        #expect(try await fixture.decrypt(user) == fixture.dataKey)
        let imds = try await fixture.standIn.requests(matching: "/metadata/identity/oauth2/token")
        #expect(imds.count == 2)
        #expect(imds.allSatisfy { $0["headers"]?["Metadata"]?.stringValue == "true" && $0["tls"]?.boolValue == false })
        #expect(imds.last?["path"]?.stringValue?.contains("client_id=user-assigned-id") == true)
        #expect(imds.first?["path"]?.stringValue?.contains("resource=https%3A%2F%2Fvault.localhost") == true)

        let unknown = fixture.session(["AZURE_POD_IDENTITY_AUTHORITY_HOST": fixture.standIn.httpURL, "AZURE_CLIENT_ID": "nobody"])
        let error = await #expect(throws: KMSError.self) { try await fixture.decrypt(unknown) }
        #expect(error?.code == .noCredentials)
        #expect(error?.message.contains("managed identity") == true)
    }

    @Test("managed identity through an App Service style endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), against a local Azure stand-in")
    func appService() async throws {
        let fixture = try await Fixture("azure-appservice")
        let session = fixture.session(["IDENTITY_ENDPOINT": fixture.standIn.httpURL + "/msi/token", "IDENTITY_HEADER": "app-service-header-secret"])
        #expect(try await fixture.decrypt(session) == fixture.dataKey)
        let request = try await fixture.standIn.requests(matching: "/msi/token").first
        #expect(request?["headers"]?["X-IDENTITY-HEADER"]?.stringValue == "app-service-header-secret")
        #expect(request?["path"]?.stringValue?.contains("api-version=2019-08-01") == true)
    }

    @Test("explicit credentials take precedence over environment credentials, against a local Azure Key Vault stand-in")
    func explicitCredentialsWin() async throws {
        let fixture = try await Fixture("azure-explicit")
        let session = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "secret-app", "AZURE_CLIENT_SECRET": "wrong-env-secret"])
        let credentials = AzureCredentials.clientSecret(tenantID: Self.tenant, clientID: "secret-app", secret: "app-client-secret",
            authorityHost: fixture.standIn.httpsURL)
        #expect(try await fixture.decrypt(session, credentials: credentials) == fixture.dataKey)
    }

    @Test("a challenge naming a resource that is not a parent domain of the vault gets no token, against a local Azure Key Vault stand-in")
    func foreignChallenge() async throws {
        let fixture = try await Fixture("azure-foreign", config: ["resource": "https://vault.azure.net"])
        let session = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "secret-app", "AZURE_CLIENT_SECRET": "app-client-secret"])
        let error = await #expect(throws: KMSError.self) { try await fixture.decrypt(session) }
        #expect(error?.code == .accessDenied)
        #expect(error?.message.contains("no token was sent") == true)
        #expect(try await fixture.standIn.requests(matching: "/oauth2/").isEmpty)
        #expect(try await fixture.standIn.requests(matching: "/keys/").allSatisfy { $0["headers"]?["Authorization"] == nil })
    }

    @Test("errors: a wrong client secret and a denied caller never show secrets or tokens, even when echoed, against a local Azure Key Vault stand-in")
    func errorsWithoutSecrets() async throws {
        let fixture = try await Fixture("azure-errors", config: ["echo_token_in_errors": true, "denied": ["client:secret-app:secret"]])
        let wrong = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "secret-app", "AZURE_CLIENT_SECRET": "wrong-secret-value"])
        let rejected = await #expect(throws: KMSError.self) { try await fixture.decrypt(wrong) }
        #expect(rejected?.code == .accessDenied)
        #expect(rejected?.message.contains("AADSTS7000215") == true)
        #expect(rejected?.description.contains("wrong-secret-value") == false)

        let denied = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "secret-app", "AZURE_CLIENT_SECRET": "app-client-secret"])
        let forbidden = await #expect(throws: KMSError.self) { try await fixture.decrypt(denied) }
        #expect(forbidden?.code == .accessDenied)
        #expect(forbidden?.description.contains("kv-test.vault.localhost") == true)
        #expect(forbidden?.description.contains("tok-") == false)
        #expect(forbidden?.description.contains("app-client-secret") == false)
    }

    @Test("another key version's ciphertext and an unknown key, against a local Azure Key Vault stand-in")
    func wrongKey() async throws {
        let fixture = try await Fixture("azure-wrong")
        _ = try await fixture.standIn.call(["op": "create_key", "name": .string(fixture.keyName), "version": "1111"])
        let session = fixture.session(["AZURE_TENANT_ID": Self.tenant, "AZURE_CLIENT_ID": "secret-app", "AZURE_CLIENT_SECRET": "app-client-secret"])
        let client = AzureKeyVaultClient(session: session)
        let bad = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertext: fixture.ciphertext, vaultURL: fixture.vaultURL, keyName: fixture.keyName, keyVersion: "1111")
        }
        #expect(bad?.code == .invalidCiphertext)
        let missing = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertext: fixture.ciphertext, vaultURL: fixture.vaultURL, keyName: "absent", keyVersion: "1")
        }
        #expect(missing?.code == .keyNotFound)
        let plainHTTP = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertext: fixture.ciphertext, vaultURL: "http://kv.vault.localhost:1", keyName: "k", keyVersion: "1")
        }
        #expect(plainHTTP?.code == .invalidKeyReference)
    }

    @Test("no Azure credentials: the error lists the sources tried (IMDS on a closed port)")
    func noCredentials() async throws {
        let fixture = try await Fixture("azure-none")
        let error = await #expect(throws: KMSError.self) { try await fixture.decrypt(fixture.session([:])) }
        #expect(error?.code == .noCredentials)
        for source in ["environment", "workload identity", "managed identity"] {
            #expect(error?.message.contains(source) == true)
        }
    }
}
