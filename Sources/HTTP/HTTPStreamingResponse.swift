#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A response whose body is still arriving.
public struct HTTPStreamingResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    /// The body as a sequence of chunks; read it once, from one task.
    public let body: HTTPResponseBody
    /// `scheme://host:port` the request went to, for error messages.
    public let endpoint: String

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Returns the response when its status is 2xx; otherwise reads at most 512 bytes of the body,
    /// aborts the rest, and throws `.status`.
    @discardableResult
    public func requireSuccess() async throws(HTTPError) -> HTTPStreamingResponse {
        guard isSuccess else {
            let excerpt = (try? await body.collect(upTo: HTTPError.maximumBodyExcerptBytes, truncating: true)) ?? Data()
            body.cancel()
            throw HTTPError.status(status, bodyExcerpt: excerpt, endpoint: endpoint)
        }
        return self
    }

    /// See `HTTPResponse.retryAfter(relativeTo:)`.
    public func retryAfter(relativeTo now: Date = Date()) -> Duration? {
        headers["Retry-After"].flatMap { RetryAfter.parse($0, relativeTo: now) }
    }
}

/// Keeps the client (and so its curl thread) alive while a body is being read, and aborts the
/// transfer when the body is dropped before its end.
final class StreamLifetime: Sendable {
    let client: HTTPClient
    let transfer: CurlTransfer
    let buffer: StreamingBodyBuffer

    init(client: HTTPClient, transfer: CurlTransfer, buffer: StreamingBodyBuffer) {
        self.client = client
        self.transfer = transfer
        self.buffer = buffer
    }

    deinit {
        transfer.requestCancellation()
    }
}

/// A streamed response body: an `AsyncSequence` of byte chunks ending at the end of the body or
/// throwing `HTTPError` (`.bodyTooLarge`, `.timeout`, `.cancelled`, ...). Cancelling the reading
/// task aborts the transfer.
public struct HTTPResponseBody: AsyncSequence, Sendable {
    public typealias Element = Data
    public typealias Failure = HTTPError

    let lifetime: StreamLifetime

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        public typealias Element = Data
        public typealias Failure = HTTPError
        let lifetime: StreamLifetime

        public mutating func next() async throws(HTTPError) -> Data? {
            try await Self.read(lifetime)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(HTTPError) -> Data? {
            try await Self.read(lifetime)
        }

        private static func read(_ lifetime: StreamLifetime) async throws(HTTPError) -> Data? {
            let result = await withTaskCancellationHandler {
                await lifetime.buffer.next(resumeTransfer: { lifetime.transfer.requestResume() })
            } onCancel: {
                lifetime.transfer.requestCancellation()
            }
            return try result.get()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(lifetime: lifetime) }

    /// Reads the whole remaining body into memory, failing with `.bodyTooLarge` beyond `limit`
    /// bytes (or, with `truncating`, returning only the first `limit` bytes).
    public func collect(upTo limit: Int, truncating: Bool = false) async throws(HTTPError) -> Data {
        var collected = Data()
        var iterator = makeAsyncIterator()
        while let chunk = try await iterator.next() {
            if collected.count + chunk.count > limit {
                if truncating {
                    collected.append(chunk.prefix(limit - collected.count))
                    cancel()
                    return collected
                }
                cancel()
                throw .bodyTooLarge(lifetime.transfer.request.endpoint.description, limit: limit)
            }
            collected.append(chunk)
        }
        return collected
    }

    /// Aborts the transfer; further reads end with `.cancelled` (after chunks already buffered).
    public func cancel() {
        lifetime.transfer.requestCancellation()
    }

    /// Largest number of received bytes that waited for the reader at one time.
    var peakBufferedBytes: Int { lifetime.buffer.peakBufferedBytes }
    /// Whether the transfer is paused because the reader is behind.
    var isPausedForBackPressure: Bool { lifetime.buffer.isPaused }
    /// The buffer size at which the transfer pauses.
    var pauseThresholdBytes: Int { lifetime.buffer.highWaterBytes }
}
