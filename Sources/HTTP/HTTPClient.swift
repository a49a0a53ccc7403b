/// An async HTTP client over libcurl, one per endpoint configuration (TLS identity, proxy,
/// limits). Requests run concurrently on one dedicated curl thread (curl multi interface) over a
/// bounded pool of keep-alive connections; cancelling the calling task aborts the transfer.
///
/// Releasing the last reference stops the curl thread; requests still running then fail with
/// `.cancelled`.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    let engine: CurlEngine
    private let proxySelector: ProxySelector

    /// Validates the configuration (proxy URL, environment proxies) and starts the curl thread.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPError) {
        self.configuration = configuration
        proxySelector = try ProxySelector(configuration.proxy)
        engine = try CurlEngine(settings: CurlClientSettings(configuration))
    }

    deinit {
        engine.shutdown()
    }

    /// Performs `request` and returns the whole response. Non-2xx statuses are returned, not
    /// thrown (see `HTTPResponse.requireSuccess()`); transport failures, cancellation and an
    /// oversized body throw `HTTPError`.
    public func execute(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let prepared = try PreparedRequest(request, configuration: configuration, proxySelector: proxySelector)
        let transfer = CurlTransfer(request: prepared, mailbox: engine.mailbox)
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.delivery = .buffered(continuation)
                if !engine.submit(transfer) {
                    transfer.delivery = .delivered
                    continuation.resume(
                        returning: .failure(.cancelled(prepared.endpoint.description, reason: "the HTTP client shut down")))
                }
            }
        } onCancel: {
            transfer.requestCancellation()
        }
        return try result.get()
    }

    /// Performs `request` and returns as soon as the final status and headers arrived; the body
    /// is read incrementally from `HTTPStreamingResponse.body`, with back-pressure (the transfer
    /// pauses while unread data piles up). Dropping the body aborts the transfer. The total timeout
    /// covers the whole stream, reading included: use `.unlimited` (with a low-speed limit) for
    /// long-lived streams such as watches.
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let prepared = try PreparedRequest(request, configuration: configuration, proxySelector: proxySelector)
        let transfer = CurlTransfer(request: prepared, mailbox: engine.mailbox)
        let buffer = StreamingBodyBuffer()
        let result: Result<ResponseHead, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.delivery = .streaming(head: continuation, body: buffer)
                if !engine.submit(transfer) {
                    transfer.delivery = .delivered
                    continuation.resume(
                        returning: .failure(.cancelled(prepared.endpoint.description, reason: "the HTTP client shut down")))
                }
            }
        } onCancel: {
            transfer.requestCancellation()
        }
        let head = try result.get()
        let body = HTTPResponseBody(lifetime: StreamLifetime(client: self, transfer: transfer, buffer: buffer))
        return HTTPStreamingResponse(
            status: head.status, headers: head.headers, body: body, endpoint: prepared.endpoint.description)
    }
}
