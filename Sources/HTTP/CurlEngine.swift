import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owns the dedicated curl thread of one `HTTPClient`: creates the multi and share handles, runs
/// `CurlMultiLoop` on a pthread, and stops and joins it on `shutdown()`.
final class CurlEngine: Sendable {
    let mailbox: CurlMailbox
    private let thread: pthread_t

    init(settings: CurlClientSettings) throws(HTTPError) {
        let initResult = ccurl_global_init_once()
        guard initResult == CURLE_OK else {
            throw HTTPError(
                code: .other, message: "curl_global_init failed: \(String(cString: curl_easy_strerror(initResult)))",
                endpoint: nil)
        }
        guard let multi = curl_multi_init() else {
            throw HTTPError(code: .other, message: "curl_multi_init failed", endpoint: nil)
        }
        guard let share = curl_share_init() else {
            curl_multi_cleanup(multi)
            throw HTTPError(code: .other, message: "curl_share_init failed", endpoint: nil)
        }
        ccurl_share_setopt_lock_data(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION)
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, settings.maxConnectionsPerHost)
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, settings.maxConnectionsPerHost * 2))
        let multiplex = settings.httpVersion.kind == .http2OverTLS
        ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, multiplex ? Int(CURLPIPE_MULTIPLEX) : Int(CURLPIPE_NOTHING))

        let mailbox = CurlMailbox(multiHandle: multi)
        self.mailbox = mailbox
        let loop = CurlMultiLoop(multiHandle: multi, shareHandle: share, mailbox: mailbox, settings: settings)
        let box = Unmanaged.passRetained(LoopBox(loop)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<LoopBox>.fromOpaque(argument!).takeRetainedValue().loop
            ccurl_name_current_thread("http-curl")
            loop.run()
            return nil
        }, box)
        guard created == 0 else {
            Unmanaged<LoopBox>.fromOpaque(box).release()
            curl_share_cleanup(share)
            curl_multi_cleanup(multi)
            throw HTTPError(code: .other, message: "cannot start the HTTP client thread (error \(created))", endpoint: nil)
        }
        self.thread = thread
    }

    /// Hands a transfer to the curl thread; false when the engine has stopped.
    func submit(_ transfer: CurlTransfer) -> Bool {
        mailbox.send(.start(transfer))
    }

    /// Stops the curl thread (pending transfers fail with `.cancelled`) and waits for it, unless
    /// called on that very thread.
    func shutdown() {
        mailbox.requestStop()
        if pthread_equal(pthread_self(), thread) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }
}

/// Carries the loop into the new thread (it is only ever used there).
private final class LoopBox: @unchecked Sendable {
    let loop: CurlMultiLoop
    init(_ loop: CurlMultiLoop) { self.loop = loop }
}
