import Foundation

/// A long-running child process (the agent daemon, a journald instance) that a test stops with
/// SIGTERM; killed when released.
public final class BackgroundProcess: @unchecked Sendable {
    let process: SpawnedProcess

    /// Starts the program (output discarded); with `isReady`, waits until it returns true (a socket
    /// file appears, …), failing if the program exits first or takes more than ten seconds.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        isReady: (() -> Bool)? = nil) throws
    {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let started = try SpawnedProcess.start(
            executable: try Shell.locate(executable), arguments: arguments, environment: merged, directory: directory, captureOutput: false)
        close(started.input)
        close(started.output)
        close(started.error)
        process = started.process
        guard let isReady else { return }
        for _ in 0..<400 {
            if isReady() { return }
            if !process.isRunning { throw TestFailure("\(executable) exited (status \(process.wait())) before it was ready") }
            usleep(25_000)
        }
        process.terminate()
        throw TestFailure("\(executable) did not become ready")
    }

    public var pid: pid_t { process.pid }

    /// Sends SIGTERM and returns the exit code; kills the process when it outlives `within`.
    public func terminateAndWait(within limit: Duration) throws -> Int32 {
        _ = Foundation.kill(process.pid, SIGTERM)
        let deadline = ContinuousClock.now.advanced(by: limit)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                _ = Foundation.kill(process.pid, SIGKILL)
                process.wait()
                throw TestFailure("the process did not stop within \(limit) of SIGTERM")
            }
            usleep(20_000)
        }
        return process.wait()
    }

    public func kill(signal: Int32) {
        _ = Foundation.kill(process.pid, signal)
    }

    /// SIGTERM, then SIGKILL if it has not stopped within two seconds.
    public func stop() {
        process.terminate()
    }

    deinit {
        if process.isRunning {
            _ = Foundation.kill(process.pid, SIGKILL)
            process.wait()
        }
    }
}
