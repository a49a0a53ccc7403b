import Foundation

/// An in-process Kubernetes API emulator (HTTPS on 127.0.0.1) for tests, demos and benchmarks.
///
/// Start it with ``start(_:)``, point clients at ``kubeconfigPath`` (client certificate) or
/// ``tokenKubeconfigPath`` (bearer token), steer it with the knobs, read the request log, ``stop()``.
public final class KubeEmulator: Sendable {
    public struct Configuration: Sendable {
        /// Where certificates and kubeconfigs are written (created if missing).
        public var stateDirectory: String
        /// IPv4 address to listen on; keep the loopback default.
        public var host: String = "127.0.0.1"
        /// 0 picks an ephemeral port.
        public var port: UInt16 = 0
        /// An extra DNS name in the server certificate (for testing `tls-server-name`).
        public var extraServerName: String = "kube-emulator.test"
        /// Subject of the generated client certificate: CN is the user, O the groups.
        public var clientCommonName: String = "admin"
        public var clientOrganizations: [String] = ["system:masters"]
        /// Accepted bearer tokens and the user each authenticates as.
        public var tokens: [String: String] = ["emulator-admin-token": "admin"]
        public var clusterName: String = "kube-emulator"
        public var contextName: String = "kube-emulator"
        public var userName: String = "kube-emulator-admin"
        /// Default namespace of the kubeconfig context (nil: none, clients use "default").
        public var contextNamespace: String?
        /// Certificate kubeconfig path (default `<stateDirectory>/kubeconfig`).
        public var kubeconfigPath: String?
        /// Token kubeconfig path (default `<stateDirectory>/kubeconfig-token`).
        public var tokenKubeconfigPath: String?
        public var defaultReadiness: Readiness = .ready
        /// Delay before applied CRDs become Established (and served).
        public var crdEstablishDelaySeconds: Double = 0
        /// The openssl CLI used to generate certificates (nil: search PATH).
        public var openSSLPath: String?

        public init(stateDirectory: String) {
            self.stateDirectory = stateDirectory
        }
    }

    private let cluster: EmulatedCluster
    private let server: TLSServer
    public let configuration: Configuration
    /// `https://127.0.0.1:<port>`.
    public let serverURL: String
    public let port: UInt16
    public let kubeconfigPath: String
    public let tokenKubeconfigPath: String
    public let certificates: CertificateFiles
    /// The first configured bearer token (for the token kubeconfig).
    public let bearerToken: String

    private init(configuration: Configuration, cluster: EmulatedCluster, server: TLSServer, certificates: CertificateFiles,
                 kubeconfigPath: String, tokenKubeconfigPath: String, bearerToken: String) {
        self.configuration = configuration
        self.cluster = cluster
        self.server = server
        self.port = server.port
        self.serverURL = "https://\(configuration.host):\(server.port)"
        self.certificates = certificates
        self.kubeconfigPath = kubeconfigPath
        self.tokenKubeconfigPath = tokenKubeconfigPath
        self.bearerToken = bearerToken
    }

    /// Generates certificates, starts serving and writes both kubeconfigs.
    public static func start(_ configuration: Configuration) throws -> KubeEmulator {
        let directory = configuration.stateDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw KubeEmulatorError(.stateDirectoryUnusable, "cannot create state directory \(directory): \(error)")
        }
        guard let token = configuration.tokens.keys.sorted().first else {
            throw KubeEmulatorError(.invalidArgument, "at least one bearer token must be configured")
        }
        let openSSL = configuration.openSSLPath ?? findExecutable("openssl") ?? "/usr/bin/openssl"
        let certificates = try CertificateFiles.generate(
            in: directory, serverNames: ["localhost", configuration.extraServerName],
            clientCommonName: configuration.clientCommonName, clientOrganizations: configuration.clientOrganizations,
            openSSLPath: openSSL)
        let cluster = EmulatedCluster(tokens: configuration.tokens)
        cluster.defaultReadiness = configuration.defaultReadiness
        cluster.crdEstablishDelay = configuration.crdEstablishDelaySeconds
        let server = try TLSServer(host: configuration.host, port: configuration.port,
                                   certificatePath: certificates.serverCertificatePath, keyPath: certificates.serverKeyPath,
                                   clientCAPath: certificates.caCertificatePath) { [cluster] request, identity in
            cluster.handle(request, certificateIdentity: identity)
        }
        cluster.serverAddress = "\(configuration.host):\(server.port)"
        let kubeconfigPath = configuration.kubeconfigPath ?? "\(directory)/kubeconfig"
        let tokenKubeconfigPath = configuration.tokenKubeconfigPath ?? "\(directory)/kubeconfig-token"
        let emulator = KubeEmulator(configuration: configuration, cluster: cluster, server: server, certificates: certificates,
                                    kubeconfigPath: kubeconfigPath, tokenKubeconfigPath: tokenKubeconfigPath, bearerToken: token)
        try emulator.writeKubeconfig(to: kubeconfigPath, credential: .clientCertificate)
        try emulator.writeKubeconfig(to: tokenKubeconfigPath, credential: .token)
        server.start()
        return emulator
    }

    /// Stops listening and closes open connections.
    public func stop() {
        server.stop()
    }

    public enum Credential: Sendable {
        case clientCertificate
        case token
        case none
    }

    /// Writes a kubeconfig for this emulator; `server` overrides the URL (e.g. `https://localhost:<port>`)
    /// and `tlsServerName` sets `tls-server-name`.
    public func writeKubeconfig(to path: String, credential: Credential, server: String? = nil, tlsServerName: String? = nil) throws {
        let caPEM = try Data(contentsOf: URL(fileURLWithPath: certificates.caCertificatePath))
        var userFields: [(String, String)] = []
        switch credential {
        case .clientCertificate:
            let certificate = try Data(contentsOf: URL(fileURLWithPath: certificates.clientCertificatePath))
            let key = try Data(contentsOf: URL(fileURLWithPath: certificates.clientKeyPath))
            userFields = [("client-certificate-data", certificate.base64EncodedString()), ("client-key-data", key.base64EncodedString())]
        case .token:
            userFields = [("token", bearerToken)]
        case .none:
            break
        }
        try KubeconfigWriter.write(
            path: path, server: server ?? serverURL, caPEM: caPEM,
            names: .init(cluster: configuration.clusterName, context: configuration.contextName, user: configuration.userName,
                         namespace: configuration.contextNamespace),
            userFields: userFields, tlsServerName: tlsServerName)
    }

    // MARK: knobs

    /// Readiness of objects without the readiness annotation (affects later writes).
    public var defaultReadiness: Readiness {
        get { cluster.withLock { cluster.defaultReadiness } }
    }

    public func setDefaultReadiness(_ readiness: Readiness) { cluster.setDefaultReadiness(readiness) }

    /// Delay before newly applied CRDs become Established and served.
    public func setCRDEstablishDelay(seconds: Double) { cluster.setCRDEstablishDelay(seconds) }

    public func addDenyRule(_ rule: DenyRule) { cluster.addDenyRule(rule) }
    public func clearDenyRules() { cluster.clearDenyRules() }
    public func addFault(_ rule: FaultRule) { cluster.addFault(rule) }
    public func clearFaults() { cluster.clearFaults() }

    /// Removes every object except the initial namespaces.
    public func resetObjects() { cluster.resetObjects() }

    // MARK: observations

    /// The ordered log of API requests (admin requests excluded).
    public func requestLog() -> [RequestRecord] { cluster.snapshotLog() }

    /// Resource request counts per (verb, group, resource).
    public func requestCounters() -> [RequestCounterKey: Int] { cluster.snapshotCounters() }

    /// Count for one (verb, group, resource); `patchType` narrows patches (e.g. "apply").
    public func requestCount(verb: String, group: String, resource: String, patchType: String? = nil) -> Int {
        if let patchType {
            return requestLog().filter {
                $0.isResourceRequest && $0.verb == verb && $0.group == group && $0.resource == resource && $0.patchType == patchType
            }.count
        }
        return requestCounters()[RequestCounterKey(verb: verb, group: group, resource: resource)] ?? 0
    }

    public func resetRequestLog() { cluster.resetLog() }

    /// The stored object as JSON text (preferred version), or nil if absent.
    public func objectJSON(group: String, resource: String, namespace: String = "", name: String) -> String? {
        cluster.object(group: group, resource: resource, namespace: namespace, name: name).map(JSONSerializer.string)
    }

    private static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
