/// Settings shared by every KMS client of a session.
public struct KMSOptions: Sendable {
    /// Retries of throttled and unavailable calls (KMS, token endpoints, metadata services).
    public var retry: RetryPolicy
    /// Temporary credentials and access tokens are refreshed this long before they expire.
    public var refreshBeforeExpiry: Duration
    /// Time allowed for one HTTP exchange.
    public var requestTimeout: Duration
    /// Time allowed to connect to a cloud API or Vault.
    public var connectTimeout: Duration
    /// Time allowed to connect to a link-local metadata service (EC2 IMDS, GCE metadata, Azure IMDS),
    /// short so that hosts without one fail fast.
    public var metadataConnectTimeout: Duration
    /// The host name used in STS session names (`sops@<host>`); `nil` reads the system host name.
    public var hostName: String?

    public init(
        retry: RetryPolicy = RetryPolicy(), refreshBeforeExpiry: Duration = .seconds(300), requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), metadataConnectTimeout: Duration = .seconds(2), hostName: String? = nil
    ) {
        self.retry = retry
        self.refreshBeforeExpiry = refreshBeforeExpiry
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.metadataConnectTimeout = metadataConnectTimeout
        self.hostName = hostName
    }
}
