#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where requests go through a proxy.
public struct ProxyConfiguration: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case none
        case explicit(URL)
        case environment([String: String])
    }
    let kind: Kind

    /// Never use a proxy, whatever the environment says.
    public static let none = ProxyConfiguration(kind: .none)

    /// Send every request through `url` (kubeconfig `proxy-url`): `http://`, `https://` or
    /// `socks5://` (host names are resolved by the SOCKS proxy, as Go does). `NO_PROXY` is not
    /// consulted.
    public static func url(_ url: URL) -> ProxyConfiguration { ProxyConfiguration(kind: .explicit(url)) }

    /// Use `HTTPS_PROXY`/`https_proxy` for https URLs, `HTTP_PROXY`/`http_proxy` for http URLs and
    /// `NO_PROXY`/`no_proxy` exclusions, following Go's `net/http` rules (which kubectl uses):
    /// upper case wins; `localhost` and loopback addresses never use a proxy; `HTTP_PROXY` is ignored
    /// when `REQUEST_METHOD` is set (CGI). Read once, when the client is created.
    public static func environment(_ variables: [String: String] = ProcessInfo.processInfo.environment)
        -> ProxyConfiguration
    {
        ProxyConfiguration(kind: .environment(variables))
    }

    public var description: String {
        switch kind {
        case .none: "no proxy"
        case .explicit(let url): "proxy \(Endpoint.redactedProxy(url))"
        case .environment: "proxy from environment"
        }
    }
}
