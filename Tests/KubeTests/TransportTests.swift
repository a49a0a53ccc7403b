import Foundation
import HTTP
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// kubeconfig `proxy-url` through a real proxy (Tests/HTTPTests/Servers/proxy_server.py, python3) and request timeouts.
@Suite struct TransportTests {
    /// The forward proxy from the HTTP target's tests: CONNECT and SOCKS5, with a `/stats` page.
    final class Proxy: @unchecked Sendable {
        let peer: LinePeer
        init(_ arguments: [String] = []) throws {
            let script = PackagePaths.root + "/Tests/HTTPTests/Servers/proxy_server.py"
            peer = try LinePeer(try Shell.locate("python3"), ["-u", script] + arguments)
        }
        func stats() async throws -> JSONObject {
            let client = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .none))
            let response = try await client.execute(HTTPRequest(url: URL(string: "http://127.0.0.1:\(peer.port)/stats")!))
            return try #require(try JSONParser.parse(Array(response.body)).objectValue)
        }
        deinit { peer.stop() }
    }

    @Test(arguments: ["http", "socks5"])
    func proxyURLCarriesTheRequests(_ scheme: String) async throws {
        let fixture = try EmulatorFixture()
        let proxy = try Proxy(["--map", "kube-emulator.test=127.0.0.1"])
        let certificate = try Data(contentsOf: URL(fileURLWithPath: fixture.emulator.certificates.clientCertificatePath)).base64EncodedString()
        let key = try Data(contentsOf: URL(fileURLWithPath: fixture.emulator.certificates.clientKeyPath)).base64EncodedString()
        // The server name only the proxy can resolve: the request cannot have bypassed it.
        let path = try fixture.scratch.write("proxied", """
        clusters:
        - name: emulator
          cluster:
            server: https://kube-emulator.test:\(fixture.emulator.port)
            certificate-authority: \(fixture.caPath)
            proxy-url: \(scheme)://127.0.0.1:\(proxy.peer.port)
        users:
        - name: admin
          user: {client-certificate-data: \(certificate), client-key-data: \(key)}
        contexts:
        - {name: proxied, context: {cluster: emulator, user: admin}}
        current-context: proxied
        """)
        let client = try fixture.client(kubeconfig: path)
        let applied = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"via-proxy","namespace":"default"}}"#))
        #expect(applied.created)
        let stats = try await proxy.stats()
        let targets = (stats["targets"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(targets.contains { $0.contains("kube-emulator.test") }, "\(stats)")
    }

    @Test func slowAnswersTimeOut() async throws {
        let fixture = try EmulatorFixture()
        // Generous enough for discovery on a loaded machine; the slow path always takes longer.
        let client = try fixture.client { $0.requestTimeout = .seconds(1); $0.retry.maximumAttempts = 3 }
        _ = try await client.discovery()
        fixture.emulator.addFault(.delay(method: "GET", pathPrefix: "/api/v1/namespaces/default/configmaps/slow", milliseconds: 2500))
        let error = await #expect(throws: KubeError.self) {
            try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "slow"))
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("ConfigMap/default/slow") == true)
        #expect(error?.message.contains("gave up after 3 attempts") == true)
    }

    @Test func unreachableServerIsATransportError() async throws {
        let port = try Network.freePort()
        let connection = ClusterConnection(server: "https://127.0.0.1:\(port)", tls: TLSConfiguration(insecureSkipVerify: true))
        let client = try KubeClient(connection: connection, configuration: testClientConfiguration { $0.retry.maximumAttempts = 2 })
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("gave up after 2 attempts") == true)
    }
}
