import Foundation
import JSON
import KMS
import KMSTestSupport
import Testing
import TestSupport

/// Cloud KMS decrypt and Google credentials against a local GCP stand-in (Cloud KMS REST with
/// AES-GCM keys, an OAuth 2.0 token endpoint that verifies RS256 assertions, a metadata server).
@Suite("GCP Cloud KMS client")
struct GCPKMSClientTests {
    static let resource = "projects/stageset/locations/global/keyRings/sops/cryptoKeys/data-key"

    /// A stand-in with a registered service account and authorized user, and a data key encrypted
    /// under `resource` the way the service does.
    struct Fixture {
        let standIn: StandIn
        let home: ScratchDirectory
        let dataKey = randomDataKey()
        let ciphertext: [UInt8]
        let pki: TestPKI

        init(_ label: String, resource: String = GCPKMSClientTests.resource) async throws {
            pki = try TestPKI.shared()
            home = try ScratchDirectory(label)
            standIn = try StandIn(.gcpKMS, config: [
                "service_accounts": ["sops@stageset.iam.gserviceaccount.com": .string(try pki.text(pki.serviceAccountPublicKey))],
                "authorized_users": ["user-client.apps.googleusercontent.com": ["client_secret": "user-secret", "refresh_token": "refresh-me"]],
                "static_tokens": ["static-oauth-token": "static:operator"],
            ])
            let encrypted = try await standIn.call(["op": "encrypt", "resource": .string(resource), "plaintext": .string(dataKey.base64)])
            ciphertext = Array(Data(base64Encoded: encrypted["ciphertext"]?.stringValue ?? "") ?? Data())
        }

        func serviceAccountJSON(tokenURI: String? = nil) throws -> String {
            let key = try pki.text(pki.serviceAccountKey).replacingOccurrences(of: "\n", with: "\\n")
            return """
                {"type": "service_account", "project_id": "stageset", "private_key_id": "key-1",
                 "private_key": "\(key)", "client_email": "sops@stageset.iam.gserviceaccount.com",
                 "token_uri": "\(tokenURI ?? standIn.httpURL + "/token")"}
                """
        }

        func session(_ variables: [String: String]) -> KMSSession {
            var all = ["SOPS_GCP_KMS_ENDPOINT": standIn.httpURL]
            for (name, value) in variables { all[name] = value }
            return testSession(home: home, all)
        }

        func principals() async throws -> [String] {
            try await standIn.requests(matching: ":decrypt").compactMap { $0["headers"]?["Authorization"]?.stringValue }
        }
    }

    @Test("a static GOOGLE_OAUTH_ACCESS_TOKEN, against a local GCP KMS stand-in")
    func staticToken() async throws {
        let fixture = try await Fixture("gcp-static")
        let client = GCPKMSClient(session: fixture.session(["GOOGLE_OAUTH_ACCESS_TOKEN": "static-oauth-token"]))
        #expect(Array(try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)) == fixture.dataKey)
        #expect(try await fixture.principals() == ["Bearer static-oauth-token"])
    }

    @Test("a service account key file: RS256 JWT assertion exchanged at token_uri, token cached, against a local GCP KMS stand-in")
    func serviceAccount() async throws {
        let fixture = try await Fixture("gcp-sa")
        let keyFile = try fixture.home.write("sa.json", try fixture.serviceAccountJSON(), mode: 0o600)
        let session = fixture.session(["GOOGLE_APPLICATION_CREDENTIALS": keyFile])
        for _ in 0..<2 {
            let decrypted = try await GCPKMSClient(session: session).decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)
            #expect(Array(decrypted) == fixture.dataKey)
        }
        let tokenRequests = try await fixture.standIn.requests(matching: "/token")
        #expect(tokenRequests.count == 1, "the access token is cached")
        #expect(tokenRequests.first?["body"]?.stringValue?.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer") == true)
    }

    @Test("an authorized_user JSON in GOOGLE_CREDENTIALS uses the refresh-token grant, against a local GCP KMS stand-in")
    func authorizedUser() async throws {
        let fixture = try await Fixture("gcp-user")
        let json = """
            {"type": "authorized_user", "client_id": "user-client.apps.googleusercontent.com", "client_secret": "user-secret",
             "refresh_token": "refresh-me", "token_uri": "\(fixture.standIn.httpURL)/token"}
            """
        let client = GCPKMSClient(session: fixture.session(["GOOGLE_CREDENTIALS": json]))
        #expect(Array(try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)) == fixture.dataKey)
        let body = try await fixture.standIn.requests(matching: "/token").first?["body"]?.stringValue ?? ""
        #expect(body.contains("grant_type=refresh_token"))
    }

    @Test("the metadata server via GCE_METADATA_HOST with Metadata-Flavor: Google, against a local GCP metadata stand-in")
    func metadataServer() async throws {
        let fixture = try await Fixture("gcp-metadata")
        let client = GCPKMSClient(session: fixture.session(["GCE_METADATA_HOST": fixture.standIn.hostAndPort]))
        #expect(Array(try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)) == fixture.dataKey)
        let metadata = try await fixture.standIn.requests(matching: "/computeMetadata/")
        #expect(metadata.count == 1)
        #expect(metadata.first?["headers"]?["Metadata-Flavor"]?.stringValue == "Google")
    }

    @Test("explicit credentials take precedence over the environment, against a local GCP KMS stand-in")
    func explicitCredentialsWin() async throws {
        let fixture = try await Fixture("gcp-explicit")
        try await fixture.standIn.configure(["denied": ["static:operator"]])
        let credentials = try GCPCredentials(json: Array(try fixture.serviceAccountJSON().utf8), origin: "test Secret entry sops.gcp-kms")
        let client = GCPKMSClient(session: fixture.session(["GOOGLE_OAUTH_ACCESS_TOKEN": "static-oauth-token"]), credentials: credentials)
        #expect(Array(try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)) == fixture.dataKey)
        #expect(try await fixture.principals().allSatisfy { $0 != "Bearer static-oauth-token" })
    }

    @Test("errors: denied (token redacted even when echoed), unknown key, another key's ciphertext, against a local GCP KMS stand-in")
    func errors() async throws {
        let fixture = try await Fixture("gcp-errors")
        try await fixture.standIn.configure(["denied": ["static:operator"], "echo_token_in_errors": true])
        let client = GCPKMSClient(session: fixture.session(["GOOGLE_OAUTH_ACCESS_TOKEN": "static-oauth-token"]))
        let denied = await #expect(throws: KMSError.self) { try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource) }
        #expect(denied?.code == .accessDenied)
        #expect(denied?.description.contains(Self.resource) == true)
        #expect(denied?.description.contains("static-oauth-token") == false)
        #expect(denied?.description.contains("<redacted>") == true)

        try await fixture.standIn.configure(["denied": []])
        let missing = "projects/stageset/locations/global/keyRings/sops/cryptoKeys/absent"
        let notFound = await #expect(throws: KMSError.self) { try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: missing) }
        #expect(notFound?.code == .keyNotFound)

        let other = "projects/stageset/locations/global/keyRings/sops/cryptoKeys/other"
        _ = try await fixture.standIn.call(["op": "encrypt", "resource": .string(other), "plaintext": "AAAA"])
        let wrongKey = await #expect(throws: KMSError.self) { try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: other) }
        #expect(wrongKey?.code == .invalidCiphertext)
        #expect(wrongKey.map { containsNone($0.description, [fixture.dataKey.base64]) } == true)

        let malformed = await #expect(throws: KMSError.self) { try await client.decrypt(ciphertext: [1], resourceID: "projects/p/keyRings/r") }
        #expect(malformed?.code == .invalidKeyReference)
    }

    @Test("UNAVAILABLE and 429 are retried, against a local GCP KMS stand-in")
    func retries() async throws {
        let fixture = try await Fixture("gcp-retry")
        try await fixture.standIn.queueFaults(match: ":decrypt", [
            (503, ["error": ["code": 503, "status": "UNAVAILABLE", "message": "try again"]]),
            (429, ["error": ["code": 429, "status": "RESOURCE_EXHAUSTED", "message": "quota"]]),
        ])
        let client = GCPKMSClient(session: fixture.session(["GOOGLE_OAUTH_ACCESS_TOKEN": "static-oauth-token"]))
        #expect(Array(try await client.decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)) == fixture.dataKey)
        #expect(try await fixture.standIn.requests(matching: ":decrypt").count == 3)
    }

    @Test("no Google credentials: the error lists the sources tried (metadata server on a closed port)")
    func noCredentials() async throws {
        let fixture = try await Fixture("gcp-none")
        let error = await #expect(throws: KMSError.self) {
            try await GCPKMSClient(session: fixture.session([:])).decrypt(ciphertext: fixture.ciphertext, resourceID: Self.resource)
        }
        #expect(error?.code == .noCredentials)
        for source in ["GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS", "metadata server"] {
            #expect(error?.message.contains(source) == true)
        }
    }

    @Test("malformed credentials JSON is refused without echoing it")
    func malformedCredentials() throws {
        let error = #expect(throws: KMSError.self) {
            try GCPCredentials(json: Array(#"{"type": "service_account", "client_email": "x@y", "private_key": "not-a-pem-secret"}"#.utf8), origin: "test")
        }
        #expect(error?.code == .invalidCredentials)
        #expect(error?.description.contains("not-a-pem-secret") == false)
        #expect(throws: KMSError.self) { try GCPCredentials(json: Array(#"{"type": "external_account"}"#.utf8), origin: "test") }
    }
}
