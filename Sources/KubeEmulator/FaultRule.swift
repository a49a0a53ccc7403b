/// Fault injection for requests matching (method, path prefix): an error status, a delay, or a
/// dropped connection, for the next `times` matching requests or always.
public struct FaultRule: Sendable, Codable, Equatable {
    /// HTTP method to match, or nil for any.
    public var method: String?
    /// Matches when the request path starts with this prefix.
    public var pathPrefix: String
    /// How many matching requests to affect; nil means every one.
    public var times: Int?
    /// 500, 503 or 429 to answer with a Status body; nil to only delay (or drop).
    public var status: Int?
    /// `Retry-After` seconds sent with a 429 (or 503).
    public var retryAfterSeconds: Int?
    /// Delay before answering (or before processing normally when `status` is nil).
    public var delayMilliseconds: Int?
    /// Close the connection without answering.
    public var dropConnection: Bool?

    public init(method: String? = nil, pathPrefix: String, times: Int? = nil, status: Int? = nil, retryAfterSeconds: Int? = nil,
                delayMilliseconds: Int? = nil, dropConnection: Bool = false) {
        self.method = method
        self.pathPrefix = pathPrefix
        self.times = times
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.delayMilliseconds = delayMilliseconds
        self.dropConnection = dropConnection
    }

    /// Answers 500 InternalError.
    public static func internalError(method: String? = nil, pathPrefix: String, times: Int? = nil) -> FaultRule {
        FaultRule(method: method, pathPrefix: pathPrefix, times: times, status: 500)
    }

    /// Answers 503 ServiceUnavailable.
    public static func serviceUnavailable(method: String? = nil, pathPrefix: String, times: Int? = nil) -> FaultRule {
        FaultRule(method: method, pathPrefix: pathPrefix, times: times, status: 503)
    }

    /// Answers 429 TooManyRequests with `Retry-After`.
    public static func tooManyRequests(method: String? = nil, pathPrefix: String, times: Int? = nil, retryAfterSeconds: Int = 1) -> FaultRule {
        FaultRule(method: method, pathPrefix: pathPrefix, times: times, status: 429, retryAfterSeconds: retryAfterSeconds)
    }

    /// Delays, then handles the request normally.
    public static func delay(method: String? = nil, pathPrefix: String, times: Int? = nil, milliseconds: Int) -> FaultRule {
        FaultRule(method: method, pathPrefix: pathPrefix, times: times, delayMilliseconds: milliseconds)
    }

    /// Closes the connection without an answer.
    public static func drop(method: String? = nil, pathPrefix: String, times: Int? = nil) -> FaultRule {
        FaultRule(method: method, pathPrefix: pathPrefix, times: times, dropConnection: true)
    }

    func matches(method requestMethod: String, path: String) -> Bool {
        if let method, method.uppercased() != requestMethod { return false }
        return path.hasPrefix(pathPrefix)
    }

    func errorResponse() -> APIStatusError? {
        guard let status else { return nil }
        switch status {
        case 429:
            let seconds = retryAfterSeconds ?? 1
            return APIStatusError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later. (injected fault)",
                                  details: .object(["retryAfterSeconds": .integer(Int64(seconds))]),
                                  headers: [("Retry-After", String(seconds))])
        case 503:
            var error = APIStatusError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request (injected fault)")
            if let seconds = retryAfterSeconds {
                error.details = .object(["retryAfterSeconds": .integer(Int64(seconds))])
                error.headers = [("Retry-After", String(seconds))]
            }
            return error
        case 500:
            return APIStatusError(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault",
                                  details: .object(["causes": .array([.object(["message": .string("injected fault")])])]))
        default:
            return APIStatusError(code: status, reason: "Unknown", message: "injected fault")
        }
    }
}
