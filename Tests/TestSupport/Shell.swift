import Foundation

/// Runs real peer tools (git, openssl, python3 …) for tests.
public enum Shell {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs a program and returns its output; throws when it cannot start.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        input: String? = nil) throws -> Output
    {
        let result = try runBytes(executable, arguments, in: directory, environment: environment, input: input.map { Array($0.utf8) })
        return Output(status: result.status, standardOutput: String(decoding: result.output, as: UTF8.self),
            standardError: String(decoding: result.error, as: UTF8.self))
    }

    /// Runs a program with byte input and output. `replaceEnvironment` starts from `environment`
    /// alone instead of adding it to the test process's environment.
    public static func runBytes(_ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String] = [:], replaceEnvironment: Bool = false, input: [UInt8]? = nil) throws
        -> (status: Int32, output: [UInt8], error: [UInt8])
    {
        var merged = replaceEnvironment ? [:] : ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let started = try SpawnedProcess.start(
            executable: try locate(executable), arguments: arguments, environment: merged, directory: directory, captureOutput: true)
        let bytes = input ?? []
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(started.input, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
            close(started.input)
        }
        writer.start()
        let (output, error) = readBoth(started.output, started.error)
        let status = started.process.wait()
        return (status, output, error)
    }

    /// Runs a program and fails the test with its output when it exits non-zero.
    @discardableResult
    public static func check(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        input: String? = nil) throws -> String
    {
        let output = try run(executable, arguments, in: directory, environment: environment, input: input)
        guard output.status == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.standardError)")
        }
        return output.standardOutput
    }

    /// The absolute path of a tool, or a failure naming the missing tool (never a silent skip).
    public static func locate(_ executable: String) throws -> String {
        if executable.contains("/") { return executable }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure("required test peer \"\(executable)\" is not installed (see .ci/run for the packages)")
    }
}
