#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP request: method, absolute http(s) URL, headers, optional body, and per-request limits.
///
/// `description` never prints header values, the body or the query string.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    public var method: HTTPMethod
    public var url: URL
    public var headers: HTTPHeaders
    /// Bytes sent as the request body (nil sends none).
    public var body: Data?
    /// Time allowed to establish the connection (TCP + proxy + TLS).
    public var connectTimeout: HTTPTimeout = .clientDefault
    /// Time allowed for the whole exchange, including waiting for a pooled connection.
    public var totalTimeout: HTTPTimeout = .clientDefault
    /// Stall detection; nil uses the client's default, `.disabled` turns it off.
    public var lowSpeedLimit: HTTPLowSpeedLimit?
    /// Largest accepted (decoded) response body; nil uses the client's default.
    public var maxResponseBodyBytes: Int?

    public init(method: HTTPMethod = .get, url: URL, headers: HTTPHeaders = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public var description: String {
        "\(method) \(Endpoint.redactedLocation(of: url))"
    }
}
