import CTestSupportShims
import Foundation

/// A child process started with posix_spawn and reaped by its own pid only, so it never races
/// the agent's process monitor (swift-subprocess) the way Foundation's `Process` can.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    private(set) var exitStatus: Int32?

    private init(pid: pid_t) {
        self.pid = pid
    }

    struct Started {
        var process: SpawnedProcess
        var input: Int32
        var output: Int32
        var error: Int32
    }

    static func start(executable: String, arguments: [String], environment: [String: String], directory: String?, captureOutput: Bool)
        throws -> Started
    {
        var inputPipe: [Int32] = [0, 0]
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        // Close-on-exec, so children spawned concurrently by other tests never inherit these ends
        // (an inherited write end keeps a pipe open and hangs its reader); dup2 clears the flag on 0, 1, 2.
        guard test_support_pipe_cloexec(&inputPipe) == 0, test_support_pipe_cloexec(&outputPipe) == 0, test_support_pipe_cloexec(&errorPipe) == 0 else {
            throw TestFailure("pipe2() failed")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        for descriptor in inputPipe + outputPipe + errorPipe {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // `env -C` changes directory; posix_spawn_file_actions_addchdir_np is not visible to Swift here.
        let command = directory.map { ["/usr/bin/env", "-C", $0, executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        close(inputPipe[0])
        close(outputPipe[1])
        close(errorPipe[1])
        guard status == 0 else {
            close(inputPipe[1])
            close(outputPipe[0])
            close(errorPipe[0])
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return Started(process: SpawnedProcess(pid: pid), input: inputPipe[1], output: outputPipe[0], error: errorPipe[0])
    }

    var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            exitStatus = status
            return false
        }
        return result == 0
    }

    /// Waits for exit and returns the exit code (128 + signal for a signal).
    @discardableResult
    func wait() -> Int32 {
        if let exitStatus { return Self.code(exitStatus) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        exitStatus = status
        return Self.code(status)
    }

    private static func code(_ status: Int32) -> Int32 {
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    func terminate() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<100 {
            if !isRunning { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        wait()
    }
}

/// Reads two pipes to their end without letting either fill up.
func readBoth(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
    var outputs: [[UInt8]] = [[], []]
    var descriptors = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
    var open = 2
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while open > 0 {
        if poll(&descriptors, 2, -1) < 0 {
            if errno == EINTR { continue }
            break
        }
        for index in 0..<2 where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
            let count = read(descriptors[index].fd, &buffer, buffer.count)
            if count > 0 {
                outputs[index].append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                close(descriptors[index].fd)
                descriptors[index].fd = -1
                open -= 1
            }
        }
    }
    return (outputs[0], outputs[1])
}
