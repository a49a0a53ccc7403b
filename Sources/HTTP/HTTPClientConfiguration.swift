/// Settings shared by every request of one `HTTPClient` (one per endpoint configuration, for
/// example one per kubeconfig cluster/user pair).
public struct HTTPClientConfiguration: Sendable {
    /// Server and client authentication.
    public var tls: TLSConfiguration
    /// Proxy selection; the default reads the process environment once, at client creation.
    public var proxy: ProxyConfiguration
    /// Upper bound of open connections to one host (or proxy); requests beyond it wait for a free
    /// keep-alive connection.
    public var maxConnectionsPerHost: Int
    /// Default time allowed to establish a connection.
    public var connectTimeout: Duration
    /// Default time allowed for a whole exchange; nil means no limit.
    public var totalTimeout: Duration?
    /// Default stall detection.
    public var lowSpeedLimit: HTTPLowSpeedLimit
    /// Default cap on a (decoded) response body; exceeding it fails with `.bodyTooLarge`.
    public var maxResponseBodyBytes: Int
    /// Redirect handling; off by default.
    public var redirects: RedirectPolicy
    /// Ask for gzip/deflate/br/zstd and decode transparently (kubeconfig `disable-compression`
    /// turns this off). The byte cap applies to decoded bytes.
    public var acceptsCompressedResponses: Bool
    /// HTTP version negotiation.
    public var httpVersion: HTTPVersionPreference
    /// Sent as `User-Agent` unless a request sets its own.
    public var userAgent: String?
    /// Added to every request unless the request sets the same header name.
    public var defaultHeaders: HTTPHeaders

    public init(
        tls: TLSConfiguration = TLSConfiguration(),
        proxy: ProxyConfiguration = .environment(),
        maxConnectionsPerHost: Int = 8,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration? = .seconds(60),
        lowSpeedLimit: HTTPLowSpeedLimit = HTTPLowSpeedLimit(bytesPerSecond: 1, duration: .seconds(60)),
        maxResponseBodyBytes: Int = 64 << 20,
        redirects: RedirectPolicy = .disabled,
        acceptsCompressedResponses: Bool = true,
        httpVersion: HTTPVersionPreference = .http1_1,
        userAgent: String? = nil,
        defaultHeaders: HTTPHeaders = [:]
    ) {
        self.tls = tls
        self.proxy = proxy
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.redirects = redirects
        self.acceptsCompressedResponses = acceptsCompressedResponses
        self.httpVersion = httpVersion
        self.userAgent = userAgent
        self.defaultHeaders = defaultHeaders
    }
}

/// Whether and how far redirects are followed (http and https targets only; curl drops a custom
/// `Authorization` header when the host changes).
public struct RedirectPolicy: Hashable, Sendable {
    let maximumRedirects: Int

    /// Return 3xx responses to the caller as they are.
    public static let disabled = RedirectPolicy(maximumRedirects: 0)
    /// Follow up to `maximum` redirects.
    public static func follow(maximum: Int = 10) -> RedirectPolicy {
        RedirectPolicy(maximumRedirects: max(0, maximum))
    }
}

/// Which HTTP version the client speaks.
public struct HTTPVersionPreference: Hashable, Sendable {
    enum Kind: Hashable, Sendable { case http1_1, http2OverTLS }
    let kind: Kind

    /// HTTP/1.1 over a pool of keep-alive connections.
    public static let http1_1 = HTTPVersionPreference(kind: .http1_1)
    /// HTTP/2 when the server offers it through ALPN on https, multiplexing requests over the
    /// pooled connections; HTTP/1.1 otherwise.
    public static let http2OverTLS = HTTPVersionPreference(kind: .http2OverTLS)
}
