import Foundation
import HTTP
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// KubeEmulator has its own `JSONValue`; in these tests the name means the JSON module's.
typealias JSONValue = JSON.JSONValue

/// A client configuration for tests: short retry waits, no proxies from the environment.
func testClientConfiguration(_ adjust: (inout KubeClient.Configuration) -> Void = { _ in }) -> KubeClient.Configuration {
    var configuration = KubeClient.Configuration(
        retry: RetryPolicy(initialDelay: .milliseconds(5), maximumDelay: .milliseconds(40), deadline: .seconds(60)),
        proxyEnvironment: [:])
    adjust(&configuration)
    return configuration
}

/// Parses a JSON object literal written in a test.
func object(_ text: String) throws -> JSONObject {
    guard let parsed = try JSONParser.parse(text).objectValue else { throw TestFailure("not a JSON object: \(text)") }
    return parsed
}

extension JSONObject {
    /// Dotted-path lookup for assertions (`"metadata.name"`, `"spec.containers.0.image"`).
    func at(_ path: String) -> JSONValue? {
        var current: JSONValue? = .object(self)
        for component in path.split(separator: ".") {
            if let index = Int(component), let items = current?.arrayValue {
                current = index < items.count ? items[index] : nil
            } else {
                current = current?[String(component)]
            }
        }
        return current
    }

    func string(_ path: String) -> String? { at(path)?.stringValue }
}

/// One running kube emulator (real HTTPS on 127.0.0.1, certificates made by the real `openssl`)
/// in a scratch directory, plus helpers to write kubeconfigs and run the real `kubectl` against it.
final class EmulatorFixture: @unchecked Sendable {
    let scratch: ScratchDirectory
    let emulator: KubeEmulator

    init(_ configure: (inout KubeEmulator.Configuration) -> Void = { _ in }) throws {
        _ = try Shell.locate("openssl")
        scratch = try ScratchDirectory("kube")
        var configuration = KubeEmulator.Configuration(stateDirectory: scratch.file("emulator"))
        configure(&configuration)
        emulator = try KubeEmulator.start(configuration)
    }

    deinit { emulator.stop() }

    var caPath: String { emulator.certificates.caCertificatePath }

    /// A client for a kubeconfig (default: the emulator's client-certificate kubeconfig).
    func client(kubeconfig: String? = nil, context: String? = nil, _ adjust: (inout KubeClient.Configuration) -> Void = { _ in }) throws
        -> KubeClient
    {
        try KubeClient(
            connection: ClusterConnection.load(kubeconfig: kubeconfig ?? emulator.kubeconfigPath, context: context, environment: [:]),
            configuration: testClientConfiguration(adjust))
    }

    /// Writes a kubeconfig with one cluster (this emulator, trusted through its CA file unless
    /// `clusterFields` say otherwise), one user with `userFields`, and one context.
    @discardableResult
    func writeKubeconfig(_ relativePath: String, userFields: String, clusterFields: String? = nil, namespace: String? = nil) throws -> String {
        let cluster = clusterFields ?? "certificate-authority: \(caPath)"
        var text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: emulator
          cluster:
            server: \(emulator.serverURL)
            \(cluster.replacingOccurrences(of: "\n", with: "\n    "))
        users:
        - name: tester
          user:
            \(userFields.replacingOccurrences(of: "\n", with: "\n    "))
        contexts:
        - name: test
          context:
            cluster: emulator
            user: tester

        """
        if let namespace { text += "    namespace: \(namespace)\n" }
        text += "current-context: test\n"
        return try scratch.write(relativePath, text)
    }

    /// Runs the real kubectl with a kubeconfig and an isolated HOME (never the developer's config).
    func kubectl(_ arguments: [String], kubeconfig: String? = nil, input: String? = nil) throws -> Shell.Output {
        try Shell.run(
            try Shell.locate("kubectl"),
            ["--kubeconfig", kubeconfig ?? emulator.kubeconfigPath, "--cache-dir", scratch.file("kubectl-cache")] + arguments,
            environment: ["HOME": scratch.directory, "KUBECONFIG": ""], input: input)
    }

    /// The users the emulator authenticated, in request order (resource and discovery requests).
    func authenticatedUsers() -> [String] {
        emulator.requestLog().compactMap(\.user)
    }
}

/// The fake legacy API server from `Servers/legacy_apiserver.py` (python3), plain HTTP on 127.0.0.1.
final class LegacyAPIServer: @unchecked Sendable {
    let peer: LinePeer
    let username: String
    let password: String

    init(username: String = "operator", password: String = "s3cret-pass") throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Servers/legacy_apiserver.py").path
        peer = try LinePeer(try Shell.locate("python3"), ["-u", script, username, password])
        self.username = username
        self.password = password
    }

    var serverURL: String { "http://127.0.0.1:\(peer.port)" }

    /// "METHOD path?query" of every API request received.
    func requests() async throws -> [String] {
        let client = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .none))
        let response = try await client.execute(HTTPRequest(url: URL(string: "\(serverURL)/requests")!))
        return try JSONParser.parse(Array(response.body)).arrayValue?.compactMap(\.stringValue) ?? []
    }

    deinit { peer.stop() }
}
