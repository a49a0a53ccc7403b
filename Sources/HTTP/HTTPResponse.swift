#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A complete response: status, headers (of the final response after any followed redirects)
/// and the whole body.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: Data
    /// `scheme://host:port` the request went to, for error messages.
    public let endpoint: String

    public init(status: Int, headers: HTTPHeaders, body: Data, endpoint: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.endpoint = endpoint
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Returns the response when its status is 2xx; otherwise throws `.status` carrying the status
    /// and at most 512 bytes of the body.
    @discardableResult
    public func requireSuccess() throws(HTTPError) -> HTTPResponse {
        guard isSuccess else {
            throw HTTPError.status(status, bodyExcerpt: body, endpoint: endpoint)
        }
        return self
    }

    /// The wait the server asked for in `Retry-After` (delay-seconds or an HTTP-date relative to
    /// `now`); nil when absent or unparseable. A date in the past yields zero.
    public func retryAfter(relativeTo now: Date = Date()) -> Duration? {
        headers["Retry-After"].flatMap { RetryAfter.parse($0, relativeTo: now) }
    }
}
