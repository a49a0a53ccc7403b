#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A request checked and resolved against the client's configuration on the calling task, ready
/// to be turned into curl options on the curl thread.
struct PreparedRequest: Sendable {
    let endpoint: Endpoint
    /// URL handed to curl (its host is the TLS server name when one is configured).
    let curlURL: String
    let method: HTTPMethod
    /// Complete header lines for CURLOPT_HTTPHEADER.
    let headerLines: [String]
    let body: Data?
    let connectTimeoutMilliseconds: Int64
    /// 0 means no limit.
    let totalTimeoutMilliseconds: Int64
    let lowSpeedLimit: HTTPLowSpeedLimit
    let maxResponseBodyBytes: Int
    /// CURLOPT_CONNECT_TO entry implementing the TLS server name.
    let connectTo: String?
    let proxy: ResolvedProxy?
    /// The query string, so curl's own messages can be scrubbed of it.
    let query: String?

    init(
        _ request: HTTPRequest, configuration: HTTPClientConfiguration, proxySelector: ProxySelector
    ) throws(HTTPError) {
        guard let endpoint = Endpoint(url: request.url) else {
            throw HTTPError(
                code: .invalidURL,
                message: "\(Endpoint.redacted(request.url)) is not an absolute http or https URL with a host",
                endpoint: nil)
        }
        self.endpoint = endpoint
        method = request.method
        guard !method.rawValue.isEmpty, method.rawValue.utf8.allSatisfy(Self.isTokenByte) else {
            throw HTTPError(code: .invalidRequest, message: "invalid HTTP method for \(endpoint)", endpoint: endpoint.description)
        }
        if method == .head, let body = request.body, !body.isEmpty {
            throw HTTPError(code: .invalidRequest, message: "a HEAD request to \(endpoint) cannot carry a body", endpoint: endpoint.description)
        }
        query = request.url.query(percentEncoded: true).flatMap { $0.isEmpty ? nil : $0 }

        var headers = request.headers
        for field in configuration.defaultHeaders where !headers.contains(field.name) {
            headers.add(name: field.name, value: field.value)
        }

        var curlURL = request.url.absoluteString
        var connectTo: String?
        if endpoint.scheme == "https", let serverName = configuration.tls.serverName?.lowercased(),
            !serverName.isEmpty, serverName != endpoint.host
        {
            guard var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false) else {
                throw HTTPError(code: .invalidURL, message: "cannot rewrite \(endpoint) for the TLS server name", endpoint: endpoint.description)
            }
            components.host = serverName
            guard let rewritten = components.string else {
                throw HTTPError(code: .invalidURL, message: "TLS server name \(serverName) cannot be used in a URL", endpoint: endpoint.description)
            }
            curlURL = rewritten
            let serverHost = serverName.contains(":") ? "[\(serverName)]" : serverName
            connectTo = "\(serverHost):\(endpoint.port):\(endpoint.bracketedHost):\(endpoint.port)"
            if !headers.contains("Host") {
                let port = request.url.port.map { ":\($0)" } ?? ""
                headers.add(name: "Host", value: endpoint.bracketedHost + port)
            }
        }
        self.curlURL = curlURL
        self.connectTo = connectTo

        var lines: [String] = []
        for field in headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw HTTPError(code: .invalidRequest, message: "invalid header name in a request to \(endpoint)", endpoint: endpoint.description)
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw HTTPError(
                    code: .invalidRequest,
                    message: "header \(field.name) of a request to \(endpoint) contains a line break or NUL",
                    endpoint: endpoint.description)
            }
            // "Name:" would remove a header in curl; "Name;" sends it with an empty value.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if !headers.contains("Expect") { lines.append("Expect:") }
        let sendsBody = request.body != nil || method == .post || method == .put || method == .patch
        if sendsBody, !headers.contains("Content-Type") { lines.append("Content-Type:") }
        if !headers.contains("User-Agent"), let agent = configuration.userAgent {
            lines.append("User-Agent: \(agent)")
        }
        headerLines = lines
        body = request.body

        connectTimeoutMilliseconds =
            request.connectTimeout.resolved(default: configuration.connectTimeout)
            .map { max(1, $0.roundedUpMilliseconds) } ?? 0
        totalTimeoutMilliseconds =
            request.totalTimeout.resolved(default: configuration.totalTimeout)
            .map { max(1, $0.roundedUpMilliseconds) } ?? 0
        lowSpeedLimit = request.lowSpeedLimit ?? configuration.lowSpeedLimit
        maxResponseBodyBytes = max(0, request.maxResponseBodyBytes ?? configuration.maxResponseBodyBytes)
        proxy = proxySelector.proxy(for: endpoint)
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Removes the query string from a message produced by curl.
    func scrub(_ text: String) -> String {
        guard let query, text.contains(query) else { return text }
        return text.replacing(query, with: "<redacted>")
    }
}
