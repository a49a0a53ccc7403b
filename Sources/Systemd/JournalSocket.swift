#if canImport(Glibc)
import Glibc
#endif

/// The journald native socket (`/run/systemd/journal/socket`, or another path for tests) and the
/// way entries travel to it: one datagram when it fits, otherwise a sealed memory file whose
/// descriptor is passed in an empty datagram (journald reads the entry from it).
public final class JournalSocket: Sendable {
    /// Where journald listens for native entries.
    public static let defaultPath = "/run/systemd/journal/socket"
    /// The shared socket for `defaultPath`.
    public static let system = JournalSocket()

    /// The socket path entries are sent to.
    public let path: String
    /// Entries above this size go by memory file even if a datagram could carry them (tests use it).
    public let maximumDatagramSize: Int?
    private let socket: DatagramSocket?
    private let address: UnixSocketAddress?

    public init(path: String = JournalSocket.defaultPath, maximumDatagramSize: Int? = nil) {
        self.path = path
        self.maximumDatagramSize = maximumDatagramSize
        address = try? UnixSocketAddress(path)
        socket = try? DatagramSocket()
        socket?.enlargeSendBuffer(to: 8 << 20)
    }

    /// Whether a socket exists at `path` (journald runs, or a test listens).
    public var exists: Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK
    }

    /// Delivers one encoded entry.
    func send(_ entry: [UInt8]) throws(SystemdError) {
        guard let socket, let address else {
            throw SystemdError(code: .socketUnavailable, message: "cannot open the journal socket \(path)")
        }
        if entry.count <= (maximumDatagramSize ?? Int.max) {
            guard let failure = socket.send(entry, to: address) else { return }
            guard failure == EMSGSIZE || failure == ENOBUFS else {
                throw .system(.sendFailed, "cannot log to the journal at \(path)", errorNumber: failure)
            }
        }
        let descriptor = try SealedMemoryFile.make(entry).get()
        defer { close(descriptor) }
        if let failure = socket.send(descriptor: descriptor, to: address) {
            throw .system(.sendFailed, "cannot pass a large entry to the journal at \(path)", errorNumber: failure)
        }
    }
}
