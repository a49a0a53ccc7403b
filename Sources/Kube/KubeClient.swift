#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON
import Synchronization

/// A client for one cluster as one kubeconfig user: discovery and REST mapping, server-side apply,
/// get, list, delete, create, update. Requests share a bounded keep-alive connection pool and may
/// run concurrently from many tasks; throttling, server errors and transport failures are retried
/// with backoff, credentials (token files, exec plugins) are refreshed as client-go does.
public final class KubeClient: Sendable {
    /// How discovery is read.
    public enum DiscoveryMode: Sendable {
        /// Aggregated discovery (`apidiscovery.k8s.io` v2/v2beta1) on `/api` and `/apis`, falling
        /// back to the legacy per-group-version documents when the server does not offer it.
        case aggregatedWithFallback
        /// Only the legacy documents (`/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`).
        case legacy
    }

    public struct Configuration: Sendable {
        /// The server-side apply field manager (at most 128 characters).
        public var fieldManager: String
        public var userAgent: String
        /// Connections kept open to the API server (the pool size).
        public var maximumConnections: Int
        /// Requests in flight at once; more wait in line (without using up their timeout).
        public var maximumConcurrentRequests: Int
        public var connectTimeout: Duration
        /// Time allowed for one HTTP exchange.
        public var requestTimeout: Duration
        public var retry: RetryPolicy
        /// How long a `tokenFile` token is used before the file is read again (client-go: one
        /// minute with ten seconds of leeway).
        public var tokenFileMaximumAge: Duration
        /// Deadline for one run of an exec credential plugin.
        public var execTimeout: Duration
        public var discovery: DiscoveryMode
        /// `limit` of list requests; `continue` tokens are followed. Nil asks for everything at once.
        public var listPageSize: Int?
        /// Environment for proxy selection when the kubeconfig has no `proxy-url`.
        public var proxyEnvironment: [String: String]

        public init(
            fieldManager: String = "stageset-agent", userAgent: String = "stageset-agent", maximumConnections: Int = 8,
            maximumConcurrentRequests: Int = 64, connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60),
            retry: RetryPolicy = .standard, tokenFileMaximumAge: Duration = .seconds(50), execTimeout: Duration = .seconds(60),
            discovery: DiscoveryMode = .aggregatedWithFallback, listPageSize: Int? = 500,
            proxyEnvironment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.fieldManager = fieldManager
            self.userAgent = userAgent
            self.maximumConnections = maximumConnections
            self.maximumConcurrentRequests = maximumConcurrentRequests
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.tokenFileMaximumAge = tokenFileMaximumAge
            self.execTimeout = execTimeout
            self.discovery = discovery
            self.listPageSize = listPageSize
            self.proxyEnvironment = proxyEnvironment
        }
    }

    public let connection: ClusterConnection
    public let configuration: Configuration
    let transport: ClusterTransport
    let credentials: CredentialProvider
    let limiter: RequestLimiter
    private let cache: Mutex<DiscoveryCache?>

    /// Sets up the connection pool for `connection`; no request is made yet.
    public init(connection: ClusterConnection, configuration: Configuration = Configuration()) throws(KubeError) {
        let manager = configuration.fieldManager
        guard !manager.isEmpty, manager.count <= 128, manager.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw KubeError(.invalidObject, "field manager \"\(manager)\" must be 1 to 128 printable ASCII characters")
        }
        self.connection = connection
        self.configuration = configuration
        let http = HTTPClientConfiguration(
            tls: connection.tls,
            proxy: connection.proxyURL.map { ProxyConfiguration.url($0) } ?? .environment(configuration.proxyEnvironment),
            maxConnectionsPerHost: max(1, configuration.maximumConnections),
            connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout,
            acceptsCompressedResponses: !connection.disableCompression,
            userAgent: configuration.userAgent)
        transport = try ClusterTransport(configuration: http)
        credentials = CredentialProvider(
            connection.authentication, tokenFileMaximumAge: configuration.tokenFileMaximumAge, execTimeout: configuration.execTimeout)
        limiter = RequestLimiter(limit: configuration.maximumConcurrentRequests)
        cache = Mutex(nil)
    }

    /// Loads the kubeconfig kubectl would use (explicit path, else `$KUBECONFIG`, else
    /// `~/.kube/config`) and connects to `context` (nil: `current-context`).
    public convenience init(kubeconfig: String? = nil, context: String? = nil, configuration: Configuration = Configuration()) throws(KubeError) {
        try self.init(connection: ClusterConnection.load(kubeconfig: kubeconfig, context: context), configuration: configuration)
    }

    /// The namespace for namespaced objects that name none (the context's, else `default`).
    public var defaultNamespace: String { connection.namespace }

    /// How often the exec credential plugin has run (0 without one); for diagnostics.
    public func execPluginRunCount() async -> Int { await credentials.execRunCount() }

    var discoveryCache: DiscoveryCache {
        cache.withLock { cache in
            if let cache { return cache }
            let created = DiscoveryCache { [weak self] in
                guard let self else { return .failure(KubeError(.cancelled, "discovery: the client was released")) }
                return await self.fetchDiscovery()
            }
            cache = created
            return created
        }
    }
}
