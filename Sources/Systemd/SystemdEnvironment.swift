#if canImport(Glibc)
import Glibc
#endif

/// The variables systemd hands a service (`NOTIFY_SOCKET`, `WATCHDOG_USEC`, `JOURNAL_STREAM`,
/// `INVOCATION_ID`, …), as a value so tests can supply their own instead of changing the process's.
public struct SystemdEnvironment: Sendable, Equatable {
    /// The variable names `process()` reads.
    public static let names = [
        "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "INVOCATION_ID",
        "CREDENTIALS_DIRECTORY", "STATE_DIRECTORY", "RUNTIME_DIRECTORY", "CONFIGURATION_DIRECTORY",
    ]

    /// The variables; empty values count as unset.
    public var variables: [String: String]

    public init(_ variables: [String: String] = [:]) {
        self.variables = variables
    }

    /// The current process's values of `names`.
    public static func process() -> SystemdEnvironment {
        var variables: [String: String] = [:]
        for name in names {
            if let value = getenv(name) { variables[name] = String(cString: value) }
        }
        return SystemdEnvironment(variables)
    }

    public subscript(name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `NOTIFY_SOCKET`: a socket path, or `@name` for the abstract namespace.
    public var notifySocket: String? { self["NOTIFY_SOCKET"] }

    /// `INVOCATION_ID`: set by systemd for every unit invocation; its presence means "run by systemd".
    public var invocationID: String? { self["INVOCATION_ID"] }

    /// `$CREDENTIALS_DIRECTORY`, where `LoadCredential[Encrypted]=` files appear.
    public var credentialsDirectory: String? { self["CREDENTIALS_DIRECTORY"] }

    /// Whether this process was started by systemd as (part of) a unit.
    public var isRunningUnderSystemd: Bool { invocationID != nil }

    /// Whether `JOURNAL_STREAM` (`<device>:<inode>`) names the file behind `descriptor`, which is how
    /// systemd says "this descriptor is connected to the journal" (man systemd.exec, JOURNAL_STREAM).
    public func journalStreamMatches(descriptor: Int32) -> Bool {
        guard let stream = self["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// Whether standard error goes to the journal.
    public var standardErrorIsJournal: Bool { journalStreamMatches(descriptor: 2) }
}
