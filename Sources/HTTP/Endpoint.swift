#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The scheme, host and port a request goes to, and the only part of its URL that may appear in
/// errors and logs.
struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    let scheme: String
    /// Host without IPv6 brackets, lowercased.
    let host: String
    let port: Int

    init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses an absolute http or https URL; nil when it is anything else.
    init?(url: URL) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return nil
        }
        guard var host = url.host(percentEncoded: false), !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
    }

    /// `host` as it appears in a URL authority or a curl host:port list (IPv6 in brackets).
    var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    /// `host:port` as in a Host header or a CONNECT request.
    var authority: String { "\(bracketedHost):\(port)" }

    var description: String { "\(scheme)://\(authority)" }

    /// `scheme://host:port` of any URL (without user info, path or query), or a placeholder when
    /// it has no host.
    static func redacted(_ url: URL) -> String {
        if let endpoint = Endpoint(url: url) { return endpoint.description }
        guard let scheme = url.scheme, let host = url.host(percentEncoded: true), !host.isEmpty else {
            return "<URL without scheme or host>"
        }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// `scheme://host:port/path` without user info, query or fragment.
    static func redactedLocation(of url: URL) -> String {
        guard let endpoint = Endpoint(url: url) else { return "<invalid URL>" }
        return endpoint.description + url.path(percentEncoded: true)
    }
}

extension Endpoint {
    /// `scheme://host:port` of a proxy URL, without credentials.
    static func redactedProxy(_ url: URL) -> String {
        guard let scheme = url.scheme?.lowercased(), let host = url.host(percentEncoded: false) else {
            return "<invalid proxy URL>"
        }
        let port = url.port.map { ":\($0)" } ?? ""
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(port)"
    }
}
