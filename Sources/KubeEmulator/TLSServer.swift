import COpenSSL
import CKubeEmulatorShims
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTPS/1.1 server on OpenSSL: one thread per connection, keep-alive,
/// optional client certificates verified against the emulator CA.
final class TLSServer: @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, ClientIdentity?) -> HTTPResponse

    private let context: OpaquePointer
    private let listenDescriptor: Int32
    let port: UInt16
    private let handler: Handler
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var stopped = false

    init(host: String, port: UInt16, certificatePath: String, keyPath: String, clientCAPath: String, handler: @escaping Handler) throws {
        kube_emulator_ignore_sigpipe()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw KubeEmulatorError(.tlsSetupFailed, "SSL_CTX_new failed: \(TLSServer.openSSLError())")
        }
        guard kube_emulator_ssl_ctx_require_tls12(context) == 1,
              SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1,
              SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1,
              SSL_CTX_check_private_key(context) == 1,
              SSL_CTX_load_verify_locations(context, clientCAPath, nil) == 1 else {
            let message = TLSServer.openSSLError()
            SSL_CTX_free(context)
            throw KubeEmulatorError(.tlsSetupFailed, "cannot load the server certificate, key or client CA: \(message)")
        }
        if let names = SSL_load_client_CA_file(clientCAPath) { SSL_CTX_set_client_CA_list(context, names) }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        // Resumed sessions of clients that presented a certificate need a session id context,
        // or OpenSSL aborts the resumption with an internal_error alert (as clients reuse sessions).
        let sessionContext = Array("kube-emulator".utf8)
        _ = sessionContext.withUnsafeBufferPointer { SSL_CTX_set_session_id_context(context, $0.baseAddress, UInt32($0.count)) }
        self.context = context

        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            SSL_CTX_free(context)
            throw KubeEmulatorError(.listenFailed, "socket() failed: errno \(errno)")
        }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            SSL_CTX_free(context)
            throw KubeEmulatorError(.listenFailed, "\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 128) == 0 else {
            let code = errno
            close(descriptor)
            SSL_CTX_free(context)
            throw KubeEmulatorError(.listenFailed, "cannot listen on \(host):\(port): errno \(code)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        self.listenDescriptor = descriptor
        self.handler = handler
    }

    deinit {
        SSL_CTX_free(context)
    }

    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "kube-emulator-accept"
        thread.start()
    }

    func stop() {
        let open: Set<Int32> = lock.withLock {
            stopped = true
            return connections
        }
        shutdown(listenDescriptor, Int32(SHUT_RDWR))
        close(listenDescriptor)
        for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let descriptor = kube_emulator_accept_cloexec(listenDescriptor)
            if descriptor < 0 {
                if lock.withLock({ stopped }) { return }
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let accepted = lock.withLock { () -> Bool in
                if stopped { return false }
                connections.insert(descriptor)
                return true
            }
            guard accepted else {
                close(descriptor)
                return
            }
            let thread = Thread { [self] in
                serve(descriptor)
                lock.withLock { _ = connections.remove(descriptor) }
                close(descriptor)
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func serve(_ descriptor: Int32) {
        guard let ssl = SSL_new(context) else { return }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, descriptor)
        guard SSL_accept(ssl) == 1 else {
            ERR_clear_error()
            return
        }
        let identity = TLSServer.peerIdentity(ssl)
        var reader = HTTPRequestReader { buffer in
            buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        }
        while true {
            guard let request = reader.next(sendContinue: { TLSServer.write(ssl, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }) else { break }
            let response = handler(request, identity)
            if response.dropConnection { return }
            let keepAlive = (request.header("connection")?.lowercased() != "close")
            guard TLSServer.write(ssl, response.serialized(keepAlive: keepAlive)), keepAlive else { break }
        }
        SSL_shutdown(ssl)
    }

    @discardableResult
    private static func write(_ ssl: OpaquePointer, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            if written <= 0 { return false }
            offset += Int(written)
        }
        return true
    }

    private static func peerIdentity(_ ssl: OpaquePointer) -> ClientIdentity? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard SSL_get_verify_result(ssl) == Int(X509_V_OK), let subject = X509_get_subject_name(certificate) else { return nil }
        func values(_ nid: Int32) -> [String] {
            var result: [String] = []
            var position: Int32 = -1
            while true {
                position = X509_NAME_get_index_by_NID(subject, nid, position)
                if position < 0 { break }
                guard let entry = X509_NAME_get_entry(subject, position), let data = X509_NAME_ENTRY_get_data(entry),
                      let bytes = ASN1_STRING_get0_data(data) else { continue }
                result.append(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(data))), as: UTF8.self))
            }
            return result
        }
        guard let user = values(NID_commonName).first else { return nil }
        return ClientIdentity(user: user, groups: values(NID_organizationName) + ["system:authenticated"])
    }

    static func openSSLError() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}

/// Incremental HTTP/1.1 request parser over a byte source (Content-Length and chunked bodies).
struct HTTPRequestReader {
    private let readSome: (inout [UInt8]) -> Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(readSome: @escaping (inout [UInt8]) -> Int32) {
        self.readSome = readSome
    }

    private mutating func fill() -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        let count = readSome(&chunk)
        if count <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<Int(count)])
        return true
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count - start >= 4 else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            while index + 3 < bytes.count {
                if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index }
                index += 1
            }
            return nil
        }
    }

    private mutating func readLine() -> String? {
        while true {
            var index = start
            while index + 1 < buffer.count {
                if buffer[index] == 13 && buffer[index + 1] == 10 {
                    let line = String(decoding: buffer[start..<index], as: UTF8.self)
                    start = index + 2
                    return line
                }
                index += 1
            }
            guard fill() else { return nil }
        }
    }

    private mutating func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let bytes = Array(buffer[start..<(start + count)])
        start += count
        return bytes
    }

    mutating func next(sendContinue: () -> Void) -> HTTPRequest? {
        var headerEnd = findHeaderEnd()
        while headerEnd == nil {
            if buffer.count - start > 1 << 20 { return nil }
            guard fill() else { return nil }
            headerEnd = findHeaderEnd()
        }
        let head = String(decoding: buffer[start..<headerEnd!], as: UTF8.self)
        start = headerEnd! + 4
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = QueryString.decode(String(parts[0]), plusIsSpace: false)
        let rawQuery = parts.count > 1 ? String(parts[1]) : ""
        if headers["expect"]?.lowercased() == "100-continue" { sendContinue() }
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                guard let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";").first.map(String.init)?.trimmingSpaces ?? "", radix: 16) else { return nil }
                if size == 0 {
                    while let trailer = readLine(), !trailer.isEmpty {}
                    break
                }
                guard let bytes = readBytes(size) else { return nil }
                body.append(contentsOf: bytes)
                _ = readLine()
            }
        } else if let lengthText = headers["content-length"], let length = Int(lengthText), length > 0 {
            guard let bytes = readBytes(length) else { return nil }
            body = bytes
        }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16 {
            buffer.removeFirst(start)
            start = 0
        }
        return HTTPRequest(method: String(requestLine[0]), path: path, rawQuery: rawQuery, headers: headers, body: body)
    }
}
