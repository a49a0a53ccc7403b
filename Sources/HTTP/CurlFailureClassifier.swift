import CCurl

/// Maps a failed transfer's CURLcode to an `HTTPError` whose message names only the endpoint
/// (and the proxy, without credentials) plus curl's own explanation.
enum CurlFailureClassifier {
    /// What curl reported about the failed transfer besides its CURLcode.
    struct Context {
        /// Status of the proxy's answer to CONNECT (0 when none).
        var proxyConnectStatus = 0
        /// Connections curl had to open for this transfer (0 when it reused one).
        var newConnections = 0
    }

    static func error(for code: CURLcode, transfer: CurlTransfer, context: Context) -> HTTPError {
        let proxyConnectStatus = context.proxyConnectStatus
        let request = transfer.request
        let endpoint = request.endpoint.description
        var detail = transfer.curlErrorDetail
        if detail.isEmpty { detail = String(cString: curl_easy_strerror(code)) }
        let suffix = "\(detail) (curl error \(code.rawValue))"

        if transfer.exceededBodyLimit || code == CURLE_FILESIZE_EXCEEDED {
            return .bodyTooLarge(endpoint, limit: request.maxResponseBodyBytes)
        }
        if let proxy = request.proxy {
            if proxyConnectStatus != 0, !(200..<300).contains(proxyConnectStatus) {
                return HTTPError(
                    code: .proxy,
                    message: "proxy \(proxy.redacted) refused to tunnel to \(endpoint) (HTTP \(proxyConnectStatus)): \(suffix)",
                    endpoint: endpoint)
            }
            switch code {
            case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_PROXY:
                return HTTPError(
                    code: .proxy, message: "proxy \(proxy.redacted) failed for \(endpoint): \(suffix)",
                    endpoint: endpoint)
            default:
                break
            }
        }
        let brokenConnection = [CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING].contains(code)
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return HTTPError(code: .dns, message: "could not resolve the host of \(endpoint): \(suffix)", endpoint: endpoint)
        case CURLE_COULDNT_CONNECT:
            return HTTPError(code: .connect, message: "could not connect to \(endpoint): \(suffix)", endpoint: endpoint)
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(code: .timeout, message: "request to \(endpoint) timed out: \(suffix)", endpoint: endpoint)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return HTTPError(code: .tls, message: "TLS with \(endpoint) failed: \(suffix)", endpoint: endpoint)
        case _ where brokenConnection && Self.isTLSAlert(detail):
            return HTTPError(code: .tls, message: "TLS with \(endpoint) failed: \(suffix)", endpoint: endpoint)
        case _ where brokenConnection && request.endpoint.scheme == "https" && context.newConnections > 0
            && !transfer.receivedResponseHead:
            // Under TLS 1.3 the server judges the client certificate after the client considers the
            // handshake done, so a rejection surfaces as a broken first write or read.
            return HTTPError(
                code: .tls,
                message: "TLS with \(endpoint) failed: the server closed the new connection right after the "
                    + "handshake, before answering (a missing or rejected client certificate looks like this): \(suffix)",
                endpoint: endpoint)
        case CURLE_URL_MALFORMAT:
            return HTTPError(code: .invalidURL, message: "curl rejected the URL of \(endpoint): \(suffix)", endpoint: endpoint)
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled(endpoint)
        default:
            return HTTPError(code: .other, message: "request to \(endpoint) failed: \(suffix)", endpoint: endpoint)
        }
    }

    private static func isTLSAlert(_ detail: String) -> Bool {
        detail.contains("SSL") || detail.contains("TLS") || detail.contains("alert")
    }
}
