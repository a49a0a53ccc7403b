#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import Synchronization

/// What the KMS clients share for the agent's lifetime: the environment they read, the options,
/// the HTTP clients (created on first use) and the caches of temporary credentials and access
/// tokens. Create one per process (or per test) and hand it to every client.
public final class KMSSession: Sendable {
    public let environment: KMSEnvironment
    public let options: KMSOptions

    private let clients = Mutex<[String: HTTPClient]>([:])
    let awsCredentials: ExpiringCache<AWSCredentials>
    let accessTokens: ExpiringCache<AccessToken>
    /// Token scopes learned from Key Vault authentication challenges, by vault host.
    let keyVaultScopes = Mutex<[String: String]>([:])

    public init(environment: KMSEnvironment = KMSEnvironment(), options: KMSOptions = KMSOptions()) {
        self.environment = environment
        self.options = options
        awsCredentials = ExpiringCache(refreshBeforeExpiry: options.refreshBeforeExpiry)
        accessTokens = ExpiringCache(refreshBeforeExpiry: options.refreshBeforeExpiry)
    }

    /// The client for cloud APIs and token endpoints: proxies from the environment, and the CA
    /// bundle of `SSL_CERT_FILE` when set (as Go programs such as sops honour it), else the system store.
    func apiClient(_ provider: KMSError.Provider, key: String) throws(KMSError) -> HTTPClient {
        try client(named: "api", provider: provider, key: key) {
            var tls = TLSConfiguration()
            if let bundle = environment["SSL_CERT_FILE"] { tls.certificateAuthority = .file(bundle) }
            return HTTPClientConfiguration(
                tls: tls, proxy: .environment(environment.variables), connectTimeout: options.connectTimeout,
                totalTimeout: options.requestTimeout, maxResponseBodyBytes: 1 << 20, userAgent: "stageset-agent")
        }
    }

    /// The client for link-local metadata services: never through a proxy, short connect timeout.
    func metadataClient(_ provider: KMSError.Provider, key: String) throws(KMSError) -> HTTPClient {
        try client(named: "metadata", provider: provider, key: key) {
            HTTPClientConfiguration(
                proxy: .none, connectTimeout: options.metadataConnectTimeout, totalTimeout: options.requestTimeout,
                maxResponseBodyBytes: 1 << 20, userAgent: "stageset-agent")
        }
    }

    /// A client with its own configuration (Vault's TLS settings), created once per `name`.
    func client(named name: String, provider: KMSError.Provider, key: String, configuration: () throws(KMSError) -> HTTPClientConfiguration)
        throws(KMSError) -> HTTPClient
    {
        if let existing = clients.withLock({ $0[name] }) { return existing }
        let created: HTTPClient
        do {
            created = try HTTPClient(configuration: try configuration())
        } catch let error as KMSError {
            throw error
        } catch let error as HTTPError {
            throw KMSError(.unavailable, provider: provider, key: key, "cannot create the HTTP client: \(error.message)")
        } catch {
            throw KMSError(.unavailable, provider: provider, key: key, "cannot create the HTTP client")
        }
        return clients.withLock { clients in
            if let existing = clients[name] { return existing }
            clients[name] = created
            return created
        }
    }
}

/// An OAuth 2.0 bearer token (GCP, Azure). `description` never shows it.
struct AccessToken: Sendable, CustomStringConvertible {
    let value: String
    /// Who or what the token stands for, for messages (`service account x@p.iam`, `metadata server`).
    let principal: String

    var description: String { "AccessToken(\(principal))" }
}
