import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// Every kubeconfig credential and TLS mode against the kube emulator (real TLS with certificates
/// from the real `openssl`), or against a small Python server where the emulator cannot check it.
@Suite struct AuthenticationTests {
    @Test func clientCertificateDataAuthenticates() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let version = try await client.serverVersion()
        #expect(version["gitVersion"]?.stringValue?.hasPrefix("v1.32") == true)
        #expect(fixture.authenticatedUsers().last == "admin")
    }

    @Test func clientCertificateFilesRelativeToTheKubeconfigAuthenticate() async throws {
        let fixture = try EmulatorFixture()
        try fixture.scratch.write("kube/pki/client.crt", try Data(contentsOf: URL(fileURLWithPath: fixture.emulator.certificates.clientCertificatePath)))
        try fixture.scratch.write("kube/pki/client.key", try Data(contentsOf: URL(fileURLWithPath: fixture.emulator.certificates.clientKeyPath)), mode: 0o600)
        try fixture.scratch.write("kube/pki/ca.crt", try Data(contentsOf: URL(fileURLWithPath: fixture.caPath)))
        let path = try fixture.writeKubeconfig(
            "kube/config", userFields: "client-certificate: pki/client.crt\nclient-key: pki/client.key",
            clusterFields: "certificate-authority: pki/ca.crt")
        let client = try fixture.client(kubeconfig: path)
        _ = try await client.serverVersion()
        #expect(fixture.authenticatedUsers().last == "admin")
        // kubectl reads the same file the same way.
        let kubectl = try fixture.kubectl(["get", "namespaces", "-o", "name"], kubeconfig: path)
        #expect(kubectl.status == 0, "\(kubectl.standardError)")
        #expect(kubectl.standardOutput.contains("namespace/default"))
    }

    @Test func bearerTokenAuthenticates() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["static-token": "tokenuser"] }
        let client = try fixture.client(kubeconfig: fixture.emulator.tokenKubeconfigPath)
        _ = try await client.serverVersion()
        #expect(fixture.authenticatedUsers().last == "tokenuser")
    }

    @Test func wrongTokenIsUnauthorizedWithoutRetries() async throws {
        let fixture = try EmulatorFixture()
        let path = try fixture.writeKubeconfig("config", userFields: "token: not-a-valid-token")
        let client = try fixture.client(kubeconfig: path)
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .unauthorized)
        #expect(error?.statusCode == 401)
        #expect(error?.message.contains("not-a-valid-token") == false)
        #expect(fixture.emulator.requestLog().count == 1)
    }

    @Test func tokenFileIsReReadAfterTheCacheWindow() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["token-one": "alice", "token-two": "bob"] }
        try fixture.scratch.write("kube/token", "token-one\n")
        let path = try fixture.writeKubeconfig("kube/config", userFields: "tokenFile: token")

        // A zero cache window re-reads the file for every request.
        let rereading = try fixture.client(kubeconfig: path) { $0.tokenFileMaximumAge = .zero }
        // The client-go-like window keeps the first token.
        let caching = try fixture.client(kubeconfig: path) { $0.tokenFileMaximumAge = .seconds(3600) }
        _ = try await rereading.serverVersion()
        _ = try await caching.serverVersion()
        #expect(fixture.authenticatedUsers() == ["alice", "alice"])

        try fixture.scratch.write("kube/token", "token-two\n")
        _ = try await rereading.serverVersion()
        _ = try await caching.serverVersion()
        #expect(fixture.authenticatedUsers() == ["alice", "alice", "bob", "alice"])
    }

    @Test func tokenFileIsReReadAfterA401EvenInsideTheCacheWindow() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["token-one": "alice"] }
        try fixture.scratch.write("kube/token", "revoked-token")
        let path = try fixture.writeKubeconfig("kube/config", userFields: "tokenFile: token")
        let client = try fixture.client(kubeconfig: path) { $0.tokenFileMaximumAge = .seconds(3600) }
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .unauthorized)

        try fixture.scratch.write("kube/token", "token-one")
        _ = try await client.serverVersion()
        #expect(fixture.authenticatedUsers().last == "alice")
    }

    @Test func missingTokenFileIsAKubeconfigErrorNamingTheField() throws {
        let fixture = try EmulatorFixture()
        let path = try fixture.writeKubeconfig("kube/config", userFields: "tokenFile: secrets/absent-token")
        let error = #expect(throws: KubeError.self) { try fixture.client(kubeconfig: path) }
        #expect(error?.code == .kubeconfig)
        #expect(error?.message.contains("users[name=\"tester\"].user.tokenFile") == true)
        #expect(error?.message.contains(fixture.scratch.file("kube/secrets/absent-token")) == true)
    }

    @Test func tlsServerNameVerifiesTheCertificateAgainstThatName() async throws {
        let fixture = try EmulatorFixture()
        let good = fixture.scratch.file("good-name")
        try fixture.emulator.writeKubeconfig(to: good, credential: .clientCertificate, tlsServerName: "kube-emulator.test")
        let client = try fixture.client(kubeconfig: good)
        #expect(client.connection.tls.serverName == "kube-emulator.test")
        _ = try await client.serverVersion()

        let wrong = fixture.scratch.file("wrong-name")
        try fixture.emulator.writeKubeconfig(to: wrong, credential: .clientCertificate, tlsServerName: "other-name.test")
        let failing = try fixture.client(kubeconfig: wrong) { $0.retry = .none }
        let error = await #expect(throws: KubeError.self) { try await failing.serverVersion() }
        #expect(error?.code == .transport)

        // kubectl agrees on both.
        #expect(try fixture.kubectl(["get", "--raw", "/version"], kubeconfig: good).status == 0)
        #expect(try fixture.kubectl(["get", "--raw", "/version"], kubeconfig: wrong).status != 0)
    }

    @Test func insecureSkipTLSVerifyAcceptsAnUntrustedServer() async throws {
        let fixture = try EmulatorFixture()
        let token = fixture.emulator.bearerToken
        let insecure = try fixture.writeKubeconfig("insecure", userFields: "token: \(token)", clusterFields: "insecure-skip-tls-verify: true")
        _ = try await fixture.client(kubeconfig: insecure).serverVersion()

        let untrusted = try fixture.writeKubeconfig("untrusted", userFields: "token: \(token)", clusterFields: "disable-compression: true")
        let client = try fixture.client(kubeconfig: untrusted) { $0.retry = .none }
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .transport)
        #expect(error?.message.contains(token) == false)
    }

    @Test func basicAuthAndImpersonationHeadersAreSent() async throws {
        let server = try LegacyAPIServer(username: "operator", password: "s3cret-pass")
        let scratch = try ScratchDirectory("basic")
        let path = try scratch.write("config", """
        clusters:
        - name: fake
          cluster: {server: "\(server.serverURL)"}
        users:
        - name: basic
          user:
            username: operator
            password: s3cret-pass
            as: jane
            as-groups: [developers, qa]
            as-uid: "1234"
            as-user-extra:
              scopes: [view, edit]
        - name: wrong
          user: {username: operator, password: wrong-pass}
        contexts:
        - {name: fake, context: {cluster: fake, user: basic, namespace: team}}
        - {name: wrong, context: {cluster: fake, user: wrong}}
        current-context: fake
        """)
        let client = try KubeClient(connection: ClusterConnection.load(kubeconfig: path, environment: [:]), configuration: testClientConfiguration())
        let echo = try #require(try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", name: "echo")))
        #expect(echo.string("metadata.namespace") == "team")
        let expected = "Basic " + Data("operator:s3cret-pass".utf8).base64EncodedString()
        #expect(echo.string("data.authorization") == expected)
        #expect(echo.string("data.impersonate-user") == "jane")
        #expect(echo.string("data.impersonate-group") == "developers,qa")
        #expect(echo.string("data.impersonate-uid") == "1234")
        #expect(echo.string("data.impersonate-extra-scopes") == "view,edit")
        #expect(echo.string("data.user-agent") == "stageset-agent")

        let wrong = try KubeClient(connection: ClusterConnection.load(kubeconfig: path, context: "wrong", environment: [:]),
                                   configuration: testClientConfiguration())
        let error = await #expect(throws: KubeError.self) { try await wrong.serverVersion() }
        #expect(error?.code == .unauthorized)
        #expect(error?.message.contains("wrong-pass") == false)
    }
}
