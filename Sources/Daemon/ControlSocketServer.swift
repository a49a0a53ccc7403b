#if canImport(Glibc)
import Glibc
#endif
import JSON
import Logging
import Synchronization

/// The daemon's control socket: a Unix stream socket (mode 0600) in the runtime directory that
/// accepts requests only from root or the agent's own user (checked with SO_PEERCRED).
final class ControlSocketServer: Sendable {
    let path: String
    private let descriptor: Int32
    private let stopped = Mutex(false)

    init(path: String, daemon: AgentDaemon, logger: Logger) throws(DaemonError) {
        self.path = path
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty { _ = mkdir(directory, 0o700) }
        unlink(path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw DaemonError(code: .controlSocket, message: "cannot create the control socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw DaemonError(code: .controlSocket, message: "the control socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let previousMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previousMask)
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw DaemonError(code: .controlSocket, message: "cannot listen on \(path): \(reason)")
        }
        chmod(path, 0o600)
        self.descriptor = descriptor
        let server = self
        let thread = Thread(server: server, daemon: daemon, logger: logger)
        thread.start()
    }

    func stop() {
        let wasStopped = stopped.withLock { value -> Bool in
            defer { value = true }
            return value
        }
        if wasStopped { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        unlink(path)
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    /// Accepts connections on a dedicated thread; each request is served by a task.
    private struct Thread {
        let server: ControlSocketServer
        let daemon: AgentDaemon
        let logger: Logger

        func start() {
            let context = Unmanaged.passRetained(Box(self)).toOpaque()
            var thread = pthread_t()
            pthread_create(&thread, nil, { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.value.acceptLoop()
                return nil
            }, context)
            pthread_detach(thread)
        }

        final class Box: @unchecked Sendable {
            let value: Thread
            init(_ value: Thread) { self.value = value }
        }

        func acceptLoop() {
            while !server.isStopped {
                let client = accept(server.descriptor, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                guard peerAllowed(client) else {
                    logger.warning("control socket: refused a connection from another user")
                    close(client)
                    continue
                }
                let daemon = self.daemon
                Task.detached { await ControlConnection(descriptor: client).serve(daemon) }
            }
        }

        func peerAllowed(_ client: Int32) -> Bool {
            var credentials = PeerCredentials()
            var length = socklen_t(MemoryLayout<PeerCredentials>.size)
            guard getsockopt(client, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return false }
            return credentials.uid == 0 || credentials.uid == getuid()
        }
    }
}

/// `struct ucred` (pid, uid, gid), which glibc only declares with `_GNU_SOURCE`.
struct PeerCredentials {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// One request and its response on an accepted connection.
struct ControlConnection {
    let descriptor: Int32

    func serve(_ daemon: AgentDaemon) async {
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let line = ControlLineIO.readLine(descriptor, limit: 64 << 10) else { return }
        let response: JSONValue
        do {
            let request = try JSONParser.parse(line)
            response = await handle(request, daemon: daemon)
        } catch {
            response = ControlMessages.error("malformed request: \(error)")
        }
        ControlLineIO.writeLine(descriptor, JSONSerializer().serialize(response))
    }

    func handle(_ request: JSONValue, daemon: AgentDaemon) async -> JSONValue {
        switch request["command"]?.stringValue {
        case "reconcile":
            do {
                let results = try await daemon.reconcile(stageSet: request["stageSet"]?.stringValue, stage: request["stage"]?.stringValue,
                    force: request["force"]?.boolValue ?? false, wait: request["wait"]?.boolValue ?? false)
                var list: [JSONValue] = []
                for (name, outcome) in results {
                    var entry = JSONObject()
                    entry["stageSet"] = .string(name)
                    if let outcome { entry["outcome"] = ControlMessages.outcome(outcome) }
                    list.append(.object(entry))
                }
                return ["ok": true, "results": .array(list)]
            } catch {
                return ControlMessages.error(error.message)
            }
        case "rollback":
            do {
                let results = try await daemon.rollBack(stageSet: request["stageSet"]?.stringValue, to: request["to"]?.stringValue)
                return ["ok": true, "results": .array(results.map { ["stageSet": .string($0.0), "outcome": ControlMessages.outcome($0.1)] })]
            } catch {
                return ControlMessages.error(error.message)
            }
        case "status":
            var list: [JSONValue] = []
            for snapshot in await daemon.snapshot() {
                var entry = JSONObject()
                entry["stageSet"] = .string(snapshot.stageSet)
                entry["passInProgress"] = .bool(snapshot.passInProgress)
                entry["secondsUntilNextPass"] = .integer(snapshot.secondsUntilNextPass)
                if let outcome = snapshot.lastOutcome { entry["lastOutcome"] = ControlMessages.outcome(outcome) }
                list.append(.object(entry))
            }
            return ["ok": true, "statusLine": .string(await daemon.currentStatusLine), "stageSets": .array(list)]
        default:
            return ControlMessages.error("unknown command")
        }
    }
}

enum ControlLineIO {
    static func readLine(_ descriptor: Int32, limit: Int) -> [UInt8]? {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while line.count <= limit {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return line.isEmpty ? nil : line }
            if let newline = buffer[0..<count].firstIndex(of: 0x0A) {
                line.append(contentsOf: buffer[0..<newline])
                return line
            }
            line.append(contentsOf: buffer[0..<count])
        }
        return nil
    }

    static func writeLine(_ descriptor: Int32, _ bytes: [UInt8]) {
        let message = bytes + [0x0A]
        var offset = 0
        while offset < message.count {
            let written = message[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Talks to a running daemon (used by `reconcile` and `status`).
public enum ControlClient {
    /// Sends one request; throws `notRunning` when no daemon listens at `path`.
    public static func send(_ request: JSONValue, to path: String) throws(DaemonError) -> JSONValue {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw DaemonError(code: .controlSocket, message: "cannot create a socket") }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw DaemonError(code: .controlSocket, message: "the control socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            throw DaemonError(code: .notRunning, message: "no agent is running (no control socket at \(path))")
        }
        ControlLineIO.writeLine(descriptor, JSONSerializer().serialize(request))
        guard let line = ControlLineIO.readLine(descriptor, limit: 16 << 20) else {
            throw DaemonError(code: .protocolError, message: "the agent closed the control connection without an answer")
        }
        do {
            return try JSONParser.parse(line)
        } catch {
            throw DaemonError(code: .protocolError, message: "the agent's answer is not JSON: \(error)")
        }
    }
}
