import Foundation

/// A real AF_UNIX datagram socket bound by a test — the stand-in for systemd's notify socket or
/// journald's native socket. It receives datagrams with the sender's kernel-supplied credentials
/// and any descriptors passed along (SCM_RIGHTS), the way systemd and journald see them.
public final class DatagramReceiver {
    public struct Datagram {
        public var bytes: [UInt8]
        public var senderProcessID: Int32?
        public var passedDescriptors: [Int32]
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    public let descriptor: Int32
    /// The address as systemd would write it in NOTIFY_SOCKET (a path, or `@name`).
    public let address: String
    private let path: String?

    /// Binds a path socket in `directory`, or an abstract one when `directory` is nil.
    public init(directory: String?) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        var name: [UInt8]
        if let directory {
            path = directory + "/notify.socket"
            address = path!
            name = Array(path!.utf8) + [0]
        } else {
            path = nil
            address = "@stageset-agent-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            name = [0] + Array(address.utf8.dropFirst())
        }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
            for (index, byte) in name.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw TestFailure("bind(\(address)) failed: \(String(cString: strerror(errno)))") }
        var enabled: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_PASSCRED, &enabled, socklen_t(MemoryLayout<Int32>.size))
        var bufferSize: Int32 = 16 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        // A guard against a hang if nothing arrives (a failure, not a timing assertion).
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }

    /// The next datagram; fails when none arrives.
    public func receive() throws -> Datagram {
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        var control = [UInt8](repeating: 0, count: 256)
        let received = buffer.withUnsafeMutableBytes { bytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    let count = recvmsg(descriptor, &message, Int32(MSG_CMSG_CLOEXEC))
                    return (count, message.msg_controllen)
                }
            }
        }
        guard received.0 >= 0 else { throw TestFailure("no datagram arrived: \(String(cString: strerror(errno)))") }
        var datagram = Datagram(bytes: Array(buffer[0..<received.0]), senderProcessID: nil, passedDescriptors: [])
        // Walk the control messages (cmsghdr, then data, each padded to 8 bytes).
        let headerSize = MemoryLayout<cmsghdr>.size
        var offset = 0
        while offset + headerSize <= received.1 {
            let header = control.withUnsafeBytes { $0.load(fromByteOffset: offset, as: cmsghdr.self) }
            let dataLength = header.cmsg_len - headerSize
            let dataOffset = offset + headerSize
            if header.cmsg_level == SOL_SOCKET && header.cmsg_type == Int32(SCM_RIGHTS) {
                for index in 0..<(dataLength / 4) {
                    datagram.passedDescriptors.append(control.withUnsafeBytes { $0.load(fromByteOffset: dataOffset + 4 * index, as: Int32.self) })
                }
            } else if header.cmsg_level == SOL_SOCKET && header.cmsg_type == 2 {  // SCM_CREDENTIALS: pid, uid, gid
                datagram.senderProcessID = control.withUnsafeBytes { $0.load(fromByteOffset: dataOffset, as: Int32.self) }
            }
            offset += (header.cmsg_len + 7) / 8 * 8
        }
        return datagram
    }

    /// Whether a datagram is waiting (without blocking).
    public func hasPendingDatagram() -> Bool {
        var probe = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&probe, 1, 0) > 0
    }
}

/// Reads a whole file descriptor from its start.
public func readAll(descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var offset: off_t = 0
    while true {
        let count = pread(descriptor, &buffer, buffer.count, offset)
        if count <= 0 { break }
        bytes += buffer[0..<count]
        offset += off_t(count)
    }
    return bytes
}
