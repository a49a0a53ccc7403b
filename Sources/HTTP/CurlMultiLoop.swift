import CCurl

/// The curl thread's world: one multi handle (which owns the connection pool), a share handle for
/// TLS sessions, the running transfers, a FIFO of transfers waiting for admission, and a pool of
/// reset easy handles for reuse. Every method runs on the curl thread; the object never leaves it.
///
/// At most `admissionLimit` transfers are inside curl at once (a little more than the connection
/// pool can serve, so a freed connection is picked up immediately); the rest wait here without an
/// easy handle, which keeps memory and curl's per-handle bookkeeping bounded when callers submit
/// thousands of requests at once.
final class CurlMultiLoop {
    private let multiHandle: UnsafeMutableRawPointer
    private let shareHandle: UnsafeMutableRawPointer
    private let mailbox: CurlMailbox
    private let settings: CurlClientSettings
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let maximumIdleHandles: Int
    private var waiting: [CurlTransfer] = []
    private var waitingHead = 0
    private var nextExpiryScan = ContinuousClock.now
    private let admissionLimit: Int

    init(
        multiHandle: UnsafeMutableRawPointer, shareHandle: UnsafeMutableRawPointer, mailbox: CurlMailbox,
        settings: CurlClientSettings
    ) {
        self.multiHandle = multiHandle
        self.shareHandle = shareHandle
        self.mailbox = mailbox
        self.settings = settings
        let perConnection = settings.httpVersion.kind == .http2OverTLS ? 32 : 2
        admissionLimit = max(16, settings.maxConnectionsPerHost * perConnection)
        maximumIdleHandles = admissionLimit
    }

    func run() {
        while true {
            let (commands, stopping) = mailbox.takeCommands()
            for command in commands {
                switch command {
                case .start(let transfer):
                    if stopping {
                        transfer.fail(.cancelled(transfer.request.endpoint.description, reason: "the HTTP client shut down"))
                    } else {
                        enqueue(transfer)
                    }
                case .cancel(let transfer):
                    cancel(transfer)
                case .resume(let transfer):
                    if let handle = transfer.easyHandle, running[handle] === transfer {
                        curl_easy_pause(handle, ccurl_pause_continue())
                    }
                }
            }
            if stopping { break }
            admitWaitingTransfers()
            var stillRunning: Int32 = 0
            curl_multi_perform(multiHandle, &stillRunning)
            collectFinishedTransfers()
            admitWaitingTransfers()
            // While transfers wait for admission, wake up regularly to expire their deadlines.
            curl_multi_poll(multiHandle, nil, 0, waiting.isEmpty ? 1000 : 100, nil)
        }
        tearDown()
    }

    // MARK: admission

    private func enqueue(_ transfer: CurlTransfer) {
        if transfer.isCancellationRequested {
            transfer.fail(.cancelled(transfer.request.endpoint.description))
        } else if running.count < admissionLimit, waiting.isEmpty {
            start(transfer)
        } else {
            transfer.isQueued = true
            waiting.append(transfer)
        }
    }

    /// Starts queued transfers in order while there is room; every 100 ms also fails queued
    /// transfers whose total timeout expired while they waited.
    private func admitWaitingTransfers() {
        while waitingHead < waiting.count, running.count < admissionLimit {
            let transfer = waiting[waitingHead]
            waitingHead += 1
            guard transfer.isQueued else { continue }
            transfer.isQueued = false
            if transfer.isCancellationRequested {
                transfer.fail(.cancelled(transfer.request.endpoint.description))
            } else {
                start(transfer)
            }
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
            return
        }
        let now = ContinuousClock.now
        guard now >= nextExpiryScan else { return }
        nextExpiryScan = now.advanced(by: .milliseconds(100))
        for transfer in waiting[waitingHead...] where transfer.isQueued {
            if let remaining = Self.remainingTotalMilliseconds(transfer, now: now), remaining <= 0 {
                transfer.isQueued = false
                transfer.fail(Self.queueTimeout(transfer))
            }
        }
        if waitingHead > 256, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    /// Milliseconds left of the total timeout, or nil when there is none.
    private static func remainingTotalMilliseconds(_ transfer: CurlTransfer, now: ContinuousClock.Instant) -> Int64? {
        let total = transfer.request.totalTimeoutMilliseconds
        guard total > 0 else { return nil }
        return total - (now - transfer.submittedAt).roundedUpMilliseconds
    }

    private static func queueTimeout(_ transfer: CurlTransfer) -> HTTPError {
        let endpoint = transfer.request.endpoint.description
        return HTTPError(
            code: .timeout,
            message: "request to \(endpoint) timed out after \(transfer.request.totalTimeoutMilliseconds) ms waiting for a free connection",
            endpoint: endpoint)
    }

    // MARK: transfers inside curl

    private func start(_ transfer: CurlTransfer) {
        let endpoint = transfer.request.endpoint.description
        var remainingTotal: Int64 = 0
        if let remaining = Self.remainingTotalMilliseconds(transfer, now: .now) {
            guard remaining > 0 else {
                transfer.fail(Self.queueTimeout(transfer))
                return
            }
            remainingTotal = remaining
        }
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            transfer.fail(HTTPError(code: .other, message: "curl_easy_init failed for \(endpoint)", endpoint: endpoint))
            return
        }
        transfer.easyHandle = handle
        do {
            try CurlTransferConfigurator.configure(
                transfer, handle: handle, settings: settings, share: shareHandle,
                totalTimeoutMilliseconds: remainingTotal)
        } catch {
            recycle(handle, of: transfer)
            transfer.fail(error)
            return
        }
        let added = curl_multi_add_handle(multiHandle, handle)
        guard added == CURLM_OK else {
            recycle(handle, of: transfer)
            let reason = String(cString: curl_multi_strerror(added))
            transfer.fail(HTTPError(code: .other, message: "curl_multi_add_handle failed for \(endpoint): \(reason)", endpoint: endpoint))
            return
        }
        running[handle] = transfer
    }

    private func cancel(_ transfer: CurlTransfer) {
        if transfer.isQueued {
            transfer.isQueued = false
            transfer.fail(.cancelled(transfer.request.endpoint.description))
            return
        }
        // Not started yet (its start command follows and sees the request) or already finished.
        guard let handle = transfer.easyHandle, running[handle] === transfer else { return }
        running[handle] = nil
        curl_multi_remove_handle(multiHandle, handle)
        recycle(handle, of: transfer)
        transfer.fail(.cancelled(transfer.request.endpoint.description))
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multiHandle, &remaining) {
            guard ccurl_message_is_done(message) != 0, let handle = ccurl_message_easy_handle(message),
                let transfer = running.removeValue(forKey: handle)
            else { continue }
            let result = ccurl_message_result(message)
            var status = 0
            ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var failure: HTTPError?
            if result != CURLE_OK {
                var context = CurlFailureClassifier.Context()
                ccurl_easy_getinfo_long(handle, CURLINFO_HTTP_CONNECTCODE, &context.proxyConnectStatus)
                ccurl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &context.newConnections)
                failure = CurlFailureClassifier.error(for: result, transfer: transfer, context: context)
            }
            curl_multi_remove_handle(multiHandle, handle)
            recycle(handle, of: transfer)
            if let failure {
                transfer.fail(failure)
            } else {
                transfer.succeed(finalStatus: status)
            }
        }
    }

    /// Returns a handle that has left the multi handle to the idle pool, reset to defaults.
    private func recycle(_ handle: UnsafeMutableRawPointer, of transfer: CurlTransfer) {
        transfer.easyHandle = nil
        curl_easy_reset(handle)
        transfer.releaseCurlResources()
        if idleHandles.count < maximumIdleHandles {
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }

    private func tearDown() {
        for (handle, transfer) in running {
            curl_multi_remove_handle(multiHandle, handle)
            transfer.easyHandle = nil
            curl_easy_cleanup(handle)
            transfer.releaseCurlResources()
            transfer.fail(.cancelled(transfer.request.endpoint.description, reason: "the HTTP client shut down"))
        }
        running = [:]
        for transfer in waiting[waitingHead...] where transfer.isQueued {
            transfer.isQueued = false
            transfer.fail(.cancelled(transfer.request.endpoint.description, reason: "the HTTP client shut down"))
        }
        waiting = []
        waitingHead = 0
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles = []
        curl_multi_cleanup(multiHandle)
        curl_share_cleanup(shareHandle)
    }
}
