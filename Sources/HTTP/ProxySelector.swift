#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A proxy curl should use: the URL handed to CURLOPT_PROXY and a credential-free name for errors.
struct ResolvedProxy: Sendable, Hashable {
    let curlURL: String
    let redacted: String
    let usesTLS: Bool
}

/// Decides, per request URL, which proxy to use. Environment variables are read once, at client
/// creation; the decision itself is made here (curl's own environment handling is switched off) so
/// that one set of rules, Go's, applies.
struct ProxySelector: Sendable {
    private enum Mode: Sendable {
        case none
        case always(ResolvedProxy)
        case environment(https: ResolvedProxy?, http: ResolvedProxy?, exclusions: NoProxyList)
    }
    private let mode: Mode

    init(_ configuration: ProxyConfiguration) throws(HTTPError) {
        switch configuration.kind {
        case .none:
            mode = .none
        case .explicit(let url):
            mode = .always(try Self.resolve(url.absoluteString, source: "proxy URL"))
        case .environment(let variables):
            func value(_ names: String...) -> String? {
                for name in names {
                    if let value = variables[name], !value.isEmpty { return value }
                }
                return nil
            }
            let https = try value("HTTPS_PROXY", "https_proxy").map { text throws(HTTPError) in
                try Self.resolve(text, source: "HTTPS_PROXY")
            }
            let isCGI = variables["REQUEST_METHOD"] != nil
            let httpText = isCGI ? value("http_proxy") : value("HTTP_PROXY", "http_proxy")
            let http = try httpText.map { text throws(HTTPError) in try Self.resolve(text, source: "HTTP_PROXY") }
            let exclusions = NoProxyList(value("NO_PROXY", "no_proxy") ?? "")
            mode = .environment(https: https, http: http, exclusions: exclusions)
        }
    }

    /// The proxy for a request to `endpoint`, or nil to connect directly.
    func proxy(for endpoint: Endpoint) -> ResolvedProxy? {
        switch mode {
        case .none:
            return nil
        case .always(let proxy):
            return proxy
        case .environment(let https, let http, let exclusions):
            let candidate = endpoint.scheme == "https" ? https : http
            guard let candidate else { return nil }
            if endpoint.host == "localhost" || IPAddress(endpoint.host)?.isLoopback == true {
                return nil
            }
            return exclusions.excludes(host: endpoint.host, port: endpoint.port) ? nil : candidate
        }
    }

    /// Validates a proxy URL (a bare `host:port` means http, as in Go and curl).
    static func resolve(_ text: String, source: String) throws(HTTPError) -> ResolvedProxy {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let url = URL(string: withScheme), let scheme = url.scheme?.lowercased(),
            let host = url.host(percentEncoded: false), !host.isEmpty
        else {
            throw HTTPError(
                code: .invalidURL, message: "\(source) is not a valid proxy URL", endpoint: nil)
        }
        let curlScheme: String
        switch scheme {
        case "http", "https", "socks5h": curlScheme = scheme
        case "socks5": curlScheme = "socks5h"
        default:
            throw HTTPError(
                code: .invalidURL,
                message: "\(source) has unsupported scheme \(scheme) (use http, https or socks5)",
                endpoint: nil)
        }
        let rest = withScheme[withScheme.firstRange(of: "://")!.upperBound...]
        return ResolvedProxy(
            curlURL: curlScheme + "://" + rest, redacted: Endpoint.redactedProxy(url),
            usesTLS: curlScheme == "https")
    }
}

/// A parsed `NO_PROXY` list with Go's matching rules: `*` matches everything; `a.example` matches
/// the name and its subdomains, `.a.example` and `*.a.example` only subdomains; IP addresses and
/// CIDR ranges match IP hosts; an entry with `:port` matches only that port.
struct NoProxyList: Sendable {
    private enum Entry: Sendable {
        case everything
        case network(IPAddress, prefixLength: Int)
        case address(IPAddress, port: Int?)
        case domain(suffix: String, includesApex: Bool, port: Int?)
    }
    private let entries: [Entry]

    init(_ text: String) {
        var entries: [Entry] = []
        for rawEntry in text.split(separator: ",") {
            let entry = rawEntry.trimmingHTTPWhitespace().lowercased()
            if entry.isEmpty { continue }
            if entry == "*" {
                entries.append(.everything)
                continue
            }
            if let slash = entry.firstIndex(of: "/"),
                let address = IPAddress(String(entry[..<slash])),
                let length = Int(entry[entry.index(after: slash)...]),
                length >= 0, length <= address.bytes.count * 8
            {
                entries.append(.network(address, prefixLength: length))
                continue
            }
            if let address = IPAddress(entry) {
                entries.append(.address(address, port: nil))
                continue
            }
            var host = Substring(entry)
            var port: Int?
            if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
                let inner = String(host[host.index(after: host.startIndex)..<close])
                let after = host[host.index(after: close)...]
                if let address = IPAddress(inner) {
                    entries.append(.address(address, port: after.hasPrefix(":") ? Int(after.dropFirst()) : nil))
                }
                continue
            }
            if let colon = host.lastIndex(of: ":"), let parsed = Int(host[host.index(after: colon)...]) {
                port = parsed
                host = host[..<colon]
            }
            if let address = IPAddress(String(host)) {
                entries.append(.address(address, port: port))
                continue
            }
            if host.hasPrefix("*.") { host = host.dropFirst() }
            if host.hasPrefix(".") {
                entries.append(.domain(suffix: String(host), includesApex: false, port: port))
            } else {
                entries.append(.domain(suffix: "." + host, includesApex: true, port: port))
            }
        }
        self.entries = entries
    }

    func excludes(host rawHost: String, port: Int) -> Bool {
        let host = rawHost.lowercased()
        let address = IPAddress(host)
        for entry in entries {
            switch entry {
            case .everything:
                return true
            case .network(let network, let prefixLength):
                if let address, address.isInNetwork(network, prefixLength: prefixLength) { return true }
            case .address(let entryAddress, let entryPort):
                if let address, address == entryAddress, entryPort == nil || entryPort == port { return true }
            case .domain(let suffix, let includesApex, let entryPort):
                guard entryPort == nil || entryPort == port else { continue }
                if host.hasSuffix(suffix) || (includesApex && host == suffix.dropFirst()) { return true }
            }
        }
        return false
    }
}
