#if canImport(Glibc)
import Glibc
#endif

/// An unconnected AF_UNIX datagram socket that sends whole messages to one address — the
/// transport of both the notify protocol and the native journal protocol.
final class DatagramSocket: Sendable {
    let descriptor: Int32

    init() throws(SystemdError) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system(.socketUnavailable, "cannot create a datagram socket", errorNumber: errno) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Raises the send buffer so that most journal entries fit one datagram (the kernel caps it at
    /// `net.core.wmem_max`); failures are harmless, large entries then travel as a memory file.
    func enlargeSendBuffer(to size: Int32) {
        var value = size
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends one datagram; returns the errno on failure.
    func send(_ bytes: [UInt8], to address: UnixSocketAddress) -> Int32? {
        while true {
            let sent = bytes.withUnsafeBytes { buffer in
                address.withSocketAddress { socketAddress, length in
                    sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
            if sent >= 0 { return nil }
            if errno == EINTR { continue }
            return errno
        }
    }

    /// Sends an empty datagram carrying `passedDescriptor` as SCM_RIGHTS ancillary data; returns
    /// the errno on failure. The control message is laid out by hand (CMSG_* are C macros).
    func send(descriptor passedDescriptor: Int32, to address: UnixSocketAddress) -> Int32? {
        let headerSize = MemoryLayout<cmsghdr>.size
        let alignment = MemoryLayout<Int>.size
        let dataLength = MemoryLayout<Int32>.size
        let space = headerSize + (dataLength + alignment - 1) / alignment * alignment
        var control = [UInt8](repeating: 0, count: space)
        control.withUnsafeMutableBytes { buffer in
            var header = cmsghdr()
            header.cmsg_len = headerSize + dataLength
            header.cmsg_level = SOL_SOCKET
            header.cmsg_type = Int32(SCM_RIGHTS)
            buffer.storeBytes(of: header, as: cmsghdr.self)
            buffer.storeBytes(of: passedDescriptor, toByteOffset: headerSize, as: Int32.self)
        }
        while true {
            let sent = control.withUnsafeMutableBytes { controlBuffer in
                address.withSocketAddress { socketAddress, length in
                    var message = msghdr()
                    message.msg_name = UnsafeMutableRawPointer(mutating: socketAddress)
                    message.msg_namelen = length
                    message.msg_iov = nil
                    message.msg_iovlen = 0
                    message.msg_control = controlBuffer.baseAddress
                    message.msg_controllen = controlBuffer.count
                    return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
                }
            }
            if sent >= 0 { return nil }
            if errno == EINTR { continue }
            return errno
        }
    }
}
