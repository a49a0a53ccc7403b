import Foundation
import HTTP
import JSON
import KMS
import TestSupport

/// A local stand-in server (Python, see `Servers/` and README.md) started for one test: it prints
/// `PORT n`, serves plain HTTP and (with a PKI) HTTPS on that port on 127.0.0.1, and exits when the
/// test releases it. Tests configure it, queue faults and read its request log over its control routes.
public final class StandIn: @unchecked Sendable {
    public enum Kind: String, Sendable {
        case gcpKMS = "gcp_kms_standin.py"
        case azureKeyVault = "azure_keyvault_standin.py"
        case vaultTransit = "vault_transit_standin.py"
        case awsMetadata = "aws_metadata_standin.py"
    }

    public let port: Int
    private let peer: LinePeer
    private let control: HTTPClient

    public init(_ kind: Kind, config: JSONValue = [:], pki: TestPKI? = nil) throws {
        var arguments = [StandIn.script(kind.rawValue), "--config", JSONSerializer().string(config)]
        if let pki { arguments += ["--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey] }
        peer = try LinePeer("python3", arguments)
        port = peer.port
        control = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .none))
    }

    deinit { peer.stop() }

    /// `http://127.0.0.1:<port>`.
    public var httpURL: String { "http://127.0.0.1:\(port)" }
    /// `https://127.0.0.1:<port>` (needs the PKI).
    public var httpsURL: String { "https://127.0.0.1:\(port)" }
    /// `127.0.0.1:<port>`.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// The path of a stand-in script.
    public static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Servers/\(name)").path
    }

    /// Merges `update` into the server's configuration.
    public func configure(_ update: JSONValue) async throws {
        _ = try await post("/_control/config", update)
    }

    /// Answers the next requests whose path contains `match` with these canned responses.
    public func queueFaults(match: String, _ responses: [(status: Int, body: JSONValue)]) async throws {
        let list = JSONValue.array(responses.map { .object(JSONObject([("status", .integer($0.status)), ("body", $0.body)])) })
        _ = try await post("/_control/faults", ["match": .string(match), "responses": list])
    }

    /// Every request the server received (method, path, headers, body, tls).
    public func requests() async throws -> [JSONValue] {
        let response = try await control.execute(HTTPRequest(method: .get, url: URL(string: httpURL + "/_control/requests")!))
        return try JSONParser.parse(Array(response.body)).arrayValue ?? []
    }

    /// Requests whose path contains `fragment`.
    public func requests(matching fragment: String) async throws -> [JSONValue] {
        try await requests().filter { $0["path"]?.stringValue?.contains(fragment) == true }
    }

    /// Runs a server-side helper (`encrypt`, `create_key` …).
    public func call(_ request: JSONValue) async throws -> JSONValue {
        try await post("/_control/call", request)
    }

    private func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
        let response = try await control.execute(HTTPRequest(
            method: .post, url: URL(string: httpURL + path)!, headers: ["Content-Type": "application/json"],
            body: Data(JSONSerializer().serialize(body))))
        guard response.status == 200 else { throw TestFailure("stand-in control \(path) answered \(response.status)") }
        return try JSONParser.parse(Array(response.body))
    }
}

/// An environment for KMS clients under test: nothing inherited from the test process, every
/// metadata service pointed at a closed loopback port, shared files and gcloud under `home`.
public enum KMSTestEnvironment {
    public static func base(home: String) -> [String: String] {
        [
            "HOME": home,
            "AWS_SHARED_CREDENTIALS_FILE": home + "/.aws/credentials",
            "AWS_CONFIG_FILE": home + "/.aws/config",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1",
            "GCE_METADATA_HOST": "127.0.0.1:1",
            "CLOUDSDK_CONFIG": home + "/gcloud",
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:1",
        ]
    }

    /// Fast retries (no test depends on their timing) and a short metadata connect timeout.
    public static let options = KMSOptions(
        retry: RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(5), maximumDelay: .milliseconds(20)),
        metadataConnectTimeout: .seconds(1), hostName: "test-host.example")

    /// A session over `base(home:)` plus `variables`.
    public static func session(home: String, _ variables: [String: String] = [:], options: KMSOptions = options) -> KMSSession {
        var environment = base(home: home)
        for (name, value) in variables { environment[name] = value }
        return KMSSession(environment: KMSEnvironment(environment), options: options)
    }
}
