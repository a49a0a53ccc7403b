#if canImport(Glibc)
import Glibc
#endif

/// One agent per state directory: an exclusive `flock` on `<state>/agent.lock`, held for the
/// life of the process (the kernel releases it when the process dies, even after SIGKILL).
public final class StateDirectoryLock: Sendable {
    private let descriptor: Int32
    public let path: String

    public init(stateDirectory: String) throws(DaemonError) {
        path = (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + "agent.lock"
        _ = mkdir(stateDirectory, 0o700)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonError(code: .stateDirectory, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: "\n ") : "unknown"
            throw DaemonError(code: .alreadyRunning, message: "another agent (pid \(holder)) uses the state directory \(stateDirectory)")
        }
        _ = ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// A problem that stops the daemon from starting or serving.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case stateDirectory
        case alreadyRunning
        case configuration
        case controlSocket
        case notRunning
        case protocolError
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
