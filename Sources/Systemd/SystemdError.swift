#if canImport(Glibc)
import Glibc
#endif

/// A failure talking to systemd (notify socket, journal socket), with the errno when there is one.
public struct SystemdError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// `NOTIFY_SOCKET` holds an address this agent cannot use (not a path, not `@abstract`, too long).
        case unsupportedSocketAddress
        /// A notification assignment has a name systemd would reject.
        case invalidNotification
        /// A socket or memory file could not be created.
        case socketUnavailable
        /// The datagram could not be delivered (no listener, permission, buffer).
        case sendFailed
        /// A journal entry is larger than one datagram and no memory file could carry it.
        case entryTooLarge
    }

    public var code: Code
    public var message: String
    /// The system error number behind the failure, when there is one.
    public var errorNumber: Int32?

    public init(code: Code, message: String, errorNumber: Int32? = nil) {
        self.code = code
        self.message = message
        self.errorNumber = errorNumber
    }

    static func system(_ code: Code, _ message: String, errorNumber: Int32) -> SystemdError {
        SystemdError(code: code, message: "\(message): \(String(cString: strerror(errorNumber)))", errorNumber: errorNumber)
    }

    public var description: String { message }
}
