#if canImport(Glibc)
import Glibc
#endif

/// An AF_UNIX address as systemd writes it in `NOTIFY_SOCKET`: a file-system path, or `@name` for
/// the Linux abstract namespace (the `@` becomes the leading NUL byte, no trailing NUL).
struct UnixSocketAddress: Sendable {
    let text: String
    private let pathBytes: [UInt8]

    init(_ text: String) throws(SystemdError) {
        var bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: "@") {
            bytes[0] = 0
        } else if bytes.first == UInt8(ascii: "/") {
            bytes.append(0)
        } else {
            throw SystemdError(code: .unsupportedSocketAddress,
                message: "socket address \"\(text)\" is neither an absolute path nor an abstract @name")
        }
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard bytes.count <= capacity else {
            throw SystemdError(code: .unsupportedSocketAddress, message: "socket address \"\(text)\" is longer than \(capacity - 1) bytes")
        }
        self.text = text
        self.pathBytes = bytes
    }

    /// Calls `body` with the `sockaddr` and its exact length.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in pathBytes.enumerated() { path[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
