#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CCurl

/// Turns the client settings and a prepared request into curl options on a (freshly reset)
/// easy handle. Runs on the curl thread.
enum CurlTransferConfigurator {
    nonisolated(unsafe) private static let emptyBody: UnsafeMutableRawPointer = {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        pointer.storeBytes(of: 0, as: UInt8.self)
        return pointer
    }()

    static func configure(
        _ transfer: CurlTransfer, handle: UnsafeMutableRawPointer, settings: CurlClientSettings,
        share: UnsafeMutableRawPointer, totalTimeoutMilliseconds: Int64
    ) throws(HTTPError) {
        let request = transfer.request
        var options = CurlOptionWriter(handle: handle)
        let context = Unmanaged.passUnretained(transfer).toOpaque()

        options.set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        options.share(share)
        options.set(CURLOPT_URL, request.curlURL, "CURLOPT_URL")
        options.set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(transfer.errorBuffer), "CURLOPT_ERRORBUFFER")

        switch settings.httpVersion.kind {
        case .http1_1:
            options.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1, "CURLOPT_HTTP_VERSION")
        case .http2OverTLS:
            options.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS, "CURLOPT_HTTP_VERSION")
            options.set(CURLOPT_PIPEWAIT, 1, "CURLOPT_PIPEWAIT")
        }

        // Method and body.
        let method = request.method
        let usesBodyUpload = request.body != nil || method == .post || method == .put || method == .patch
        if method == .head {
            options.set(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        } else if usesBodyUpload {
            if method == .post {
                options.set(CURLOPT_POST, 1, "CURLOPT_POST")
            } else {
                options.set(CURLOPT_CUSTOMREQUEST, method.rawValue, "CURLOPT_CUSTOMREQUEST")
            }
            let body = request.body ?? Data()
            var pointer = emptyBody
            if !body.isEmpty {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: body.count, alignment: 1)
                _ = body.copyBytes(to: buffer.bindMemory(to: UInt8.self))
                transfer.requestBody = buffer
                pointer = buffer.baseAddress!
            }
            options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count), "CURLOPT_POSTFIELDSIZE_LARGE")
            options.set(CURLOPT_POSTFIELDS, pointer: pointer, "CURLOPT_POSTFIELDS")
        } else if method == .get {
            options.set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        } else {
            options.set(CURLOPT_CUSTOMREQUEST, method.rawValue, "CURLOPT_CUSTOMREQUEST")
        }

        // Headers.
        var list: UnsafeMutablePointer<curl_slist>?
        for line in request.headerLines {
            guard let appended = curl_slist_append(list, line) else {
                if let list { curl_slist_free_all(list) }
                throw HTTPError(code: .other, message: "out of memory building headers for \(request.endpoint)", endpoint: request.endpoint.description)
            }
            list = appended
        }
        transfer.headerList = list
        options.set(CURLOPT_HTTPHEADER, list: list, "CURLOPT_HTTPHEADER")
        if settings.acceptsCompressedResponses {
            options.set(CURLOPT_ACCEPT_ENCODING, "", "CURLOPT_ACCEPT_ENCODING")
        }

        // Response callbacks.
        options.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }, "CURLOPT_WRITEFUNCTION")
        options.set(CURLOPT_WRITEDATA, pointer: context, "CURLOPT_WRITEDATA")
        options.set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }, "CURLOPT_HEADERFUNCTION")
        options.set(CURLOPT_HEADERDATA, pointer: context, "CURLOPT_HEADERDATA")

        // Limits.
        options.set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeoutMilliseconds), "CURLOPT_CONNECTTIMEOUT_MS")
        options.set(CURLOPT_TIMEOUT_MS, Int(totalTimeoutMilliseconds), "CURLOPT_TIMEOUT_MS")
        if request.lowSpeedLimit.isEnabled {
            let seconds = max(1, (request.lowSpeedLimit.duration.roundedUpMilliseconds + 999) / 1000)
            options.set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedLimit.bytesPerSecond, "CURLOPT_LOW_SPEED_LIMIT")
            options.set(CURLOPT_LOW_SPEED_TIME, Int(seconds), "CURLOPT_LOW_SPEED_TIME")
        }
        if method != .head {
            // Rejects an announced Content-Length over the cap before any byte arrives; decoded
            // and chunked bodies are counted in the write callback.
            options.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(request.maxResponseBodyBytes), "CURLOPT_MAXFILESIZE_LARGE")
        }
        options.set(CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
        options.set(CURLOPT_TCP_KEEPIDLE, 30, "CURLOPT_TCP_KEEPIDLE")
        options.set(CURLOPT_TCP_KEEPINTVL, 15, "CURLOPT_TCP_KEEPINTVL")

        // Redirects.
        if settings.redirects.maximumRedirects > 0 {
            options.set(CURLOPT_FOLLOWLOCATION, 1, "CURLOPT_FOLLOWLOCATION")
            options.set(CURLOPT_MAXREDIRS, settings.redirects.maximumRedirects, "CURLOPT_MAXREDIRS")
            options.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https", "CURLOPT_REDIR_PROTOCOLS_STR")
        } else {
            options.set(CURLOPT_FOLLOWLOCATION, 0, "CURLOPT_FOLLOWLOCATION")
        }
        transfer.prepareForStart(followsRedirects: settings.redirects.maximumRedirects > 0)

        // TLS server name: connect to the URL's host while naming the server name.
        if let connectTo = request.connectTo {
            guard let entry = curl_slist_append(nil, connectTo) else {
                throw HTTPError(code: .other, message: "out of memory for \(request.endpoint)", endpoint: request.endpoint.description)
            }
            transfer.connectToList = entry
            options.set(CURLOPT_CONNECT_TO, list: entry, "CURLOPT_CONNECT_TO")
        }

        applyTLS(settings.tls, to: &options)

        // Proxy: decided by ProxySelector; curl's environment lookup is disabled either way.
        options.set(CURLOPT_NOPROXY, "", "CURLOPT_NOPROXY")
        if let proxy = request.proxy {
            options.set(CURLOPT_PROXY, proxy.curlURL, "CURLOPT_PROXY")
            options.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1, "CURLOPT_SUPPRESS_CONNECT_HEADERS")
            if proxy.usesTLS { applyProxyTLS(settings.tls, to: &options) }
        } else {
            options.set(CURLOPT_PROXY, "", "CURLOPT_PROXY")
        }

        if let failure = options.failure {
            let reason = String(cString: curl_easy_strerror(failure.code))
            throw HTTPError(
                code: .other, message: "libcurl rejected \(failure.option) for \(request.endpoint): \(reason)",
                endpoint: request.endpoint.description)
        }
    }

    private static func applyTLS(_ tls: TLSConfiguration, to options: inout CurlOptionWriter) {
        options.set(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1, "CURLOPT_SSL_VERIFYPEER")
        options.set(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2, "CURLOPT_SSL_VERIFYHOST")
        if let authority = tls.certificateAuthority {
            // A configured CA replaces the system store: clear the compiled-in bundle and directory.
            options.set(CURLOPT_CAPATH, nil, "CURLOPT_CAPATH")
            switch authority.storage {
            case .file(let path):
                options.set(CURLOPT_CAINFO, path, "CURLOPT_CAINFO")
            case .inline(let bytes):
                options.set(CURLOPT_CAINFO, nil, "CURLOPT_CAINFO")
                options.set(CURLOPT_CAINFO_BLOB, blob: bytes, "CURLOPT_CAINFO_BLOB")
            }
        }
        if let certificate = tls.clientCertificate {
            options.set(CURLOPT_SSLCERTTYPE, "PEM", "CURLOPT_SSLCERTTYPE")
            switch certificate.storage {
            case .file(let path): options.set(CURLOPT_SSLCERT, path, "CURLOPT_SSLCERT")
            case .inline(let bytes): options.set(CURLOPT_SSLCERT_BLOB, blob: bytes, "CURLOPT_SSLCERT_BLOB")
            }
        }
        if let key = tls.clientKey {
            options.set(CURLOPT_SSLKEYTYPE, "PEM", "CURLOPT_SSLKEYTYPE")
            switch key.storage {
            case .file(let path): options.set(CURLOPT_SSLKEY, path, "CURLOPT_SSLKEY")
            case .inline(let bytes): options.set(CURLOPT_SSLKEY_BLOB, blob: bytes, "CURLOPT_SSLKEY_BLOB")
            }
        }
    }

    /// An https proxy is verified with the same trust settings as the server, as Go's transport does.
    private static func applyProxyTLS(_ tls: TLSConfiguration, to options: inout CurlOptionWriter) {
        options.set(CURLOPT_PROXY_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1, "CURLOPT_PROXY_SSL_VERIFYPEER")
        options.set(CURLOPT_PROXY_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2, "CURLOPT_PROXY_SSL_VERIFYHOST")
        if let authority = tls.certificateAuthority {
            options.set(CURLOPT_PROXY_CAPATH, nil, "CURLOPT_PROXY_CAPATH")
            switch authority.storage {
            case .file(let path):
                options.set(CURLOPT_PROXY_CAINFO, path, "CURLOPT_PROXY_CAINFO")
            case .inline(let bytes):
                options.set(CURLOPT_PROXY_CAINFO, nil, "CURLOPT_PROXY_CAINFO")
                options.set(CURLOPT_PROXY_CAINFO_BLOB, blob: bytes, "CURLOPT_PROXY_CAINFO_BLOB")
            }
        }
    }
}
