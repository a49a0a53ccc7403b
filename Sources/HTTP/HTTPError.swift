/// A failed HTTP exchange: the transport failed, or (from `requireSuccess()`) the server answered
/// with a non-2xx status.
///
/// Messages name the endpoint as `scheme://host:port` only: never the path's query string, never
/// headers, never key material.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable enough to branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case dns, connect, tls, timeout, proxy, cancelled, bodyTooLarge, invalidURL,
                invalidRequest, status, other
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The host name did not resolve.
        public static let dns = Code(.dns)
        /// No TCP connection to the server could be established (refused, unreachable).
        public static let connect = Code(.connect)
        /// TLS failed: handshake, certificate verification, client certificate or key.
        public static let tls = Code(.tls)
        /// The connect timeout, total timeout or low-speed limit expired.
        public static let timeout = Code(.timeout)
        /// The proxy could not be reached or refused to relay the request.
        public static let proxy = Code(.proxy)
        /// The calling task was cancelled, the body stream was dropped, or the client shut down.
        public static let cancelled = Code(.cancelled)
        /// The response body exceeded the configured byte cap.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The URL (or the proxy URL) is not a usable http/https URL.
        public static let invalidURL = Code(.invalidURL)
        /// The request itself is malformed (for example a header containing a line break).
        public static let invalidRequest = Code(.invalidRequest)
        /// The server answered with a non-2xx status (thrown by `requireSuccess()` only).
        public static let status = Code(.status)
        /// Any other transport failure.
        public static let other = Code(.other)

        public var description: String {
            switch base {
            case .dns: "dns"
            case .connect: "connect"
            case .tls: "tls"
            case .timeout: "timeout"
            case .proxy: "proxy"
            case .cancelled: "cancelled"
            case .bodyTooLarge: "bodyTooLarge"
            case .invalidURL: "invalidURL"
            case .invalidRequest: "invalidRequest"
            case .status: "status"
            case .other: "other"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// An operator-facing explanation.
    public let message: String
    /// `scheme://host:port` of the request's URL, when known.
    public let endpoint: String?
    /// The HTTP status for `.status` errors.
    public let statusCode: Int?
    /// At most 512 bytes of the response body for `.status` errors.
    public let bodyExcerpt: String?

    init(
        code: Code, message: String, endpoint: String?, statusCode: Int? = nil,
        bodyExcerpt: String? = nil
    ) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.statusCode = statusCode
        self.bodyExcerpt = bodyExcerpt
    }

    /// Largest body excerpt a `.status` error carries.
    public static let maximumBodyExcerptBytes = 512

    /// A `.status` error for a non-2xx answer, with at most 512 bytes of its body.
    public static func status(_ statusCode: Int, bodyExcerpt body: some Collection<UInt8>, endpoint: String?)
        -> HTTPError
    {
        let excerpt = String(decoding: body.prefix(maximumBodyExcerptBytes), as: UTF8.self)
        let truncated = body.count > maximumBodyExcerptBytes ? "…" : ""
        var message = "\(endpoint ?? "server") answered HTTP \(statusCode)"
        if !excerpt.isEmpty { message += ": \(excerpt)\(truncated)" }
        return HTTPError(
            code: .status, message: message, endpoint: endpoint, statusCode: statusCode,
            bodyExcerpt: excerpt)
    }

    static func cancelled(_ endpoint: String?, reason: String = "the request was cancelled") -> HTTPError {
        HTTPError(code: .cancelled, message: "request to \(endpoint ?? "server") cancelled: \(reason)", endpoint: endpoint)
    }

    static func bodyTooLarge(_ endpoint: String?, limit: Int) -> HTTPError {
        HTTPError(
            code: .bodyTooLarge,
            message: "response body from \(endpoint ?? "server") exceeds the limit of \(limit) bytes",
            endpoint: endpoint)
    }

    public var description: String { "HTTPError.\(code): \(message)" }
}
