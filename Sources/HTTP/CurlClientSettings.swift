import CCurl

/// The client-wide part of every transfer's curl options, fixed when the client is created.
struct CurlClientSettings: Sendable {
    let tls: TLSConfiguration
    let httpVersion: HTTPVersionPreference
    let redirects: RedirectPolicy
    let acceptsCompressedResponses: Bool
    let maxConnectionsPerHost: Int

    init(_ configuration: HTTPClientConfiguration) {
        tls = configuration.tls
        httpVersion = configuration.httpVersion
        redirects = configuration.redirects
        acceptsCompressedResponses = configuration.acceptsCompressedResponses
        maxConnectionsPerHost = max(1, configuration.maxConnectionsPerHost)
    }
}
