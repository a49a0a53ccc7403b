#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HostProcess
import JSON
import Timestamps

/// A TLS client certificate and key handed out by a credential source (an exec plugin).
struct ClientIdentity: Sendable, Equatable {
    var certificatePEM: Data
    var keyPEM: Data
}

/// A kubeconfig `exec` credential plugin (client.authentication.k8s.io v1 / v1beta1): runs the
/// command with `KUBERNETES_EXEC_INFO`, reads `ExecCredential.status` (a token or a client
/// certificate and key), caches it until `expirationTimestamp`, and runs again after a 401. One run
/// at a time: concurrent requests wait for the same run.
actor ExecCredentialPlugin {
    static let v1 = "client.authentication.k8s.io/v1"
    static let v1beta1 = "client.authentication.k8s.io/v1beta1"
    /// The cluster extension whose content is passed to the plugin as `spec.cluster.config`.
    static let clusterExtensionName = "client.authentication.k8s.io/exec"
    static let execInfoVariable = "KUBERNETES_EXEC_INFO"

    struct Credential: Sendable {
        var token: SecretText?
        var clientIdentity: ClientIdentity?
        var expiry: Date?
        var generation: UInt64
    }

    private let configuration: Kubeconfig.ExecConfiguration
    private let userName: String
    private let kubeconfig: String
    private let clusterInfo: JSONValue?
    private let timeout: Duration
    private var cached: Credential?
    private var running: Task<Result<Credential, KubeError>, Never>?
    private var generations: UInt64 = 0
    /// How often the plugin ran (for diagnostics and tests).
    private(set) var runCount = 0

    init(configuration: Kubeconfig.ExecConfiguration, userName: String, kubeconfig: String, clusterInfo: JSONValue?, timeout: Duration) {
        self.configuration = configuration
        self.userName = userName
        self.kubeconfig = kubeconfig
        self.clusterInfo = clusterInfo
        self.timeout = timeout
    }

    /// The cached credential while it is valid; otherwise the result of a (shared) plugin run.
    func credential() async throws(KubeError) -> Credential {
        if let cached, !Self.isExpired(cached) { return cached }
        if let running { return try await running.value.get() }
        let task = Task { [configuration, userName, kubeconfig, clusterInfo, timeout] in
            let result = await Self.run(configuration, userName: userName, kubeconfig: kubeconfig, clusterInfo: clusterInfo, timeout: timeout)
            return self.store(result)
        }
        running = task
        return try await task.value.get()
    }

    /// Drops the cached credential if it is still the one with `generation` (a 401 answered it),
    /// so the next request runs the plugin again.
    func invalidate(generation: UInt64) {
        if cached?.generation == generation { cached = nil }
    }

    private func store(_ result: Result<Credential, KubeError>) -> Result<Credential, KubeError> {
        running = nil
        runCount += 1
        switch result {
        case .success(var credential):
            generations += 1
            credential.generation = generations
            cached = credential
            return .success(credential)
        case .failure:
            return result
        }
    }

    private static func isExpired(_ credential: Credential) -> Bool {
        guard let expiry = credential.expiry else { return false }
        return Date() >= expiry
    }

    private static func run(
        _ configuration: Kubeconfig.ExecConfiguration, userName: String, kubeconfig: String, clusterInfo: JSONValue?, timeout: Duration
    ) async -> Result<Credential, KubeError> {
        let command = configuration.command
        let origin = "exec credential plugin \(command) (user \"\(userName)\" in kubeconfig \(kubeconfig))"
        if configuration.interactiveMode == "Always" {
            return .failure(KubeError(.credentials, "\(origin) needs interactiveMode Always, but the agent runs without a terminal"))
        }
        var spec = JSONObject([("interactive", JSONValue.bool(false))])
        if let clusterInfo { spec["cluster"] = clusterInfo }
        let input = JSONValue.object(JSONObject([
            ("apiVersion", .string(configuration.apiVersion)), ("kind", "ExecCredential"), ("spec", .object(spec)),
        ]))
        var environment: [String: String?] = [:]
        for variable in configuration.environment { environment[variable.name] = variable.value }
        environment[execInfoVariable] = input.jsonText

        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(ProcessRequest(
                executable: command, arguments: configuration.arguments, environment: environment, timeout: timeout,
                outputLimit: 1 << 20, errorLimit: 16 << 10))
        } catch let error as ProcessError {
            switch error.code {
            case .executableNotFound:
                var message = "\(origin): executable \(command) not found"
                if let hint = configuration.installHint, !hint.isEmpty { message += "\n\n\(hint)" }
                return .failure(KubeError(.credentials, message))
            case .timedOut:
                return .failure(KubeError(.credentials, "\(origin) did not finish within \(timeout)"))
            case .outputTooLarge:
                return .failure(KubeError(.credentials, "\(origin) wrote more output than allowed"))
            case .launchFailed:
                return .failure(KubeError(.credentials, "\(origin) could not be started: \(error.message)"))
            }
        } catch is CancellationError {
            return .failure(KubeError(.cancelled, "\(origin) was cancelled"))
        } catch {
            return .failure(KubeError(.credentials, "\(origin) could not be run: \(error)"))
        }

        guard result.succeeded else {
            let stderr = result.standardErrorText(limit: 1024)
            let ending = result.exitCode.map { "failed with exit code \($0)" } ?? "was killed by signal \(result.signal ?? 0)"
            return .failure(KubeError(.credentials, "\(origin) \(ending)" + (stderr.isEmpty ? "" : ": \(stderr)")))
        }
        return parse(result.standardOutput, configuration: configuration, origin: origin)
    }

    /// Validates the plugin's standard output; never echoes it (it holds the credential).
    static func parse(_ output: [UInt8], configuration: Kubeconfig.ExecConfiguration, origin: String) -> Result<Credential, KubeError> {
        func failure(_ problem: String) -> Result<Credential, KubeError> {
            .failure(KubeError(.credentials, "\(origin) returned \(problem)"))
        }
        guard let parsed = try? JSONParser.parse(output, options: .init(duplicateKeys: .keepLast)), let object = parsed.objectValue else {
            return failure("output that is not an ExecCredential JSON object")
        }
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        guard apiVersion == configuration.apiVersion else {
            return failure("apiVersion \"\(apiVersion)\", but the kubeconfig configures \(configuration.apiVersion)")
        }
        guard object["kind"]?.stringValue == "ExecCredential" else { return failure("an object whose kind is not ExecCredential") }
        guard let status = object["status"]?.objectValue else { return failure("no status field") }
        let token = status["token"]?.stringValue.flatMap { $0.isEmpty ? nil : SecretText($0) }
        let certificate = status["clientCertificateData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let key = status["clientKeyData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if token == nil, certificate == nil, key == nil { return failure("neither a token nor a client certificate and key") }
        if (certificate == nil) != (key == nil) { return failure("only a client certificate or key, not both") }
        var identity: ClientIdentity?
        if let certificate, let key {
            guard certificate.contains("-----BEGIN "), key.contains("-----BEGIN ") else {
                return failure("clientCertificateData or clientKeyData that is not PEM")
            }
            identity = ClientIdentity(certificatePEM: Data(certificate.utf8), keyPEM: Data(key.utf8))
        }
        var expiry: Date?
        if let value = status["expirationTimestamp"], !value.isNull {
            guard let text = value.stringValue, let date = RFC3339.parse(text) else {
                return failure("an expirationTimestamp that is not an RFC 3339 time")
            }
            expiry = date
        }
        return .success(Credential(token: token, clientIdentity: identity, expiry: expiry, generation: 0))
    }
}
