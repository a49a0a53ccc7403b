#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CCurl
import Synchronization

/// Status line and headers of a streamed response, available before its body.
struct ResponseHead: Sendable {
    let status: Int
    let headers: HTTPHeaders
}

/// One request's life on the curl thread: its easy handle, the C resources curl points into, the
/// response being assembled, and the continuation waiting for it.
///
/// Thread discipline (why `@unchecked Sendable` is sound): the submitting task sets `delivery`
/// before handing the transfer to the mailbox (whose lock orders it); from then on every stored
/// property except `cancellationRequested` is touched only on the curl thread.
final class CurlTransfer: @unchecked Sendable {
    enum Delivery {
        case buffered(CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>)
        case streaming(head: CheckedContinuation<Result<ResponseHead, HTTPError>, Never>?, body: StreamingBodyBuffer)
        case delivered
    }

    let request: PreparedRequest
    /// When the caller submitted the request; the total timeout counts from here, so time spent
    /// waiting for a free connection is included (as in Go's http.Client).
    let submittedAt = ContinuousClock.now
    private let mailbox: CurlMailbox
    private let cancellationRequested = Atomic<Bool>(false)

    var delivery: Delivery = .delivered
    /// Waiting in the curl thread's admission queue.
    var isQueued = false
    var easyHandle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var connectToList: UnsafeMutablePointer<curl_slist>?
    var requestBody: UnsafeMutableRawBufferPointer?
    let errorBuffer: UnsafeMutablePointer<CChar>

    private var status = 0
    private var headers = HTTPHeaders()
    private var followsRedirects = false
    private var headDelivered = false
    private var receivedBytes = 0
    private(set) var exceededBodyLimit = false
    /// Whether any response status line arrived.
    var receivedResponseHead: Bool { status != 0 }
    private var bufferedBody = Data()

    init(request: PreparedRequest, mailbox: CurlMailbox) {
        self.request = request
        self.mailbox = mailbox
        let size = Int(ccurl_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        releaseCurlResources()
        errorBuffer.deallocate()
    }

    // MARK: any thread

    /// Asks the curl thread to abort this transfer (task cancelled, body dropped).
    func requestCancellation() {
        cancellationRequested.store(true, ordering: .sequentiallyConsistent)
        _ = mailbox.send(.cancel(self))
    }

    var isCancellationRequested: Bool { cancellationRequested.load(ordering: .sequentiallyConsistent) }

    /// Asks the curl thread to continue a transfer paused for a full stream buffer.
    func requestResume() {
        _ = mailbox.send(.resume(self))
    }

    // MARK: curl thread

    func prepareForStart(followsRedirects: Bool) {
        self.followsRedirects = followsRedirects
    }

    /// Frees what curl was pointing into; call only after the handle left the multi handle.
    func releaseCurlResources() {
        if let headerList { curl_slist_free_all(headerList) }
        if let connectToList { curl_slist_free_all(connectToList) }
        headerList = nil
        connectToList = nil
        requestBody?.deallocate()
        requestBody = nil
    }

    /// CURLOPT_HEADERFUNCTION: one raw header line, CRLF included.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last.isNewline { line = line.dropLast() }
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
            return
        }
        if line.isEmpty {
            let isInterim = (100..<200).contains(status)
            let isRedirectToFollow =
                followsRedirects && [301, 302, 303, 307, 308].contains(status) && headers.contains("Location")
            if status != 0, !isInterim, !isRedirectToFollow { deliverHead() }
            return
        }
        headers.appendWireLine(line)
    }

    /// CURLOPT_WRITEFUNCTION: returns how many bytes were taken, `CURL_WRITEFUNC_PAUSE`, or 0 to abort.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if receivedBytes + bytes.count > request.maxResponseBodyBytes {
            exceededBodyLimit = true
            return 0
        }
        switch delivery {
        case .buffered:
            bufferedBody.append(bytes.assumingMemoryBound(to: UInt8.self))
        case .streaming(_, let body):
            deliverHead()
            if case .pause = body.offer(bytes) { return Int(ccurl_writefunc_pause()) }
        case .delivered:
            return 0
        }
        receivedBytes += bytes.count
        return bytes.count
    }

    private func deliverHead() {
        guard !headDelivered, case .streaming(let head, let body) = delivery else { return }
        headDelivered = true
        delivery = .streaming(head: nil, body: body)
        head?.resume(returning: .success(ResponseHead(status: status, headers: headers)))
    }

    /// Completes the transfer successfully with the final status from curl.
    func succeed(finalStatus: Int) {
        if finalStatus != 0 { status = finalStatus }
        switch delivery {
        case .buffered(let continuation):
            delivery = .delivered
            let response = HTTPResponse(
                status: status, headers: headers, body: bufferedBody, endpoint: request.endpoint.description)
            bufferedBody = Data()
            continuation.resume(returning: .success(response))
        case .streaming(_, let body):
            deliverHead()
            delivery = .delivered
            body.finish(.success(()))
        case .delivered:
            break
        }
    }

    /// Completes the transfer with `error` (to the head waiter, or to the body reader).
    func fail(_ error: HTTPError) {
        switch delivery {
        case .buffered(let continuation):
            delivery = .delivered
            bufferedBody = Data()
            continuation.resume(returning: .failure(error))
        case .streaming(let head, let body):
            delivery = .delivered
            head?.resume(returning: .failure(error))
            body.finish(.failure(error))
        case .delivered:
            break
        }
    }

    var isFinished: Bool {
        if case .delivered = delivery { return true }
        return false
    }

    /// curl's detail message for the last failure, without the query string.
    var curlErrorDetail: String {
        request.scrub(String(cString: errorBuffer))
    }
}
