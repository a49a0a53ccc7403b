#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Subprocess
import SystemPackage

/// One external program to run (git, kustomize, a kubeconfig exec plugin), with a deadline.
public struct ProcessRequest: Sendable {
    /// A bare name looked up in `PATH`, or a path.
    public var executable: String
    public var arguments: [String]
    /// Variables to set (or, with `nil`, remove) on top of the inherited environment.
    public var environment: [String: String?]
    /// Start from an empty environment plus `environment` instead of inheriting the agent's.
    public var isolatedEnvironment: Bool
    public var workingDirectory: String?
    public var input: [UInt8]
    public var timeout: Duration
    /// Bytes of standard output kept at most; more is an error, never a silent truncation.
    public var outputLimit: Int
    public var errorLimit: Int

    public init(
        executable: String, arguments: [String] = [], environment: [String: String?] = [:], isolatedEnvironment: Bool = false,
        workingDirectory: String? = nil, input: [UInt8] = [], timeout: Duration = .seconds(60), outputLimit: Int = 16 << 20,
        errorLimit: Int = 64 << 10
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.isolatedEnvironment = isolatedEnvironment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.errorLimit = errorLimit
    }
}

public struct ProcessResult: Sendable {
    /// The exit code, or `nil` when a signal ended the process.
    public var exitCode: Int32?
    public var signal: Int32?
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]

    public var succeeded: Bool { exitCode == 0 }

    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }

    /// Standard error as text, trimmed, at most `limit` characters.
    public func standardErrorText(limit: Int = 2048) -> String {
        var text = String(decoding: standardError, as: UTF8.self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        if text.count > limit { text = String(text.prefix(limit)) + "…" }
        return text
    }
}

public struct ProcessError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case executableNotFound
        case timedOut
        case outputTooLarge
        case launchFailed
    }

    public var code: Code
    public var executable: String
    public var message: String

    public var description: String { message }
}

/// Runs external programs; the child is killed when the deadline passes or the task is cancelled.
public enum ProcessRunner {
    /// The first executable regular file named `name` in `searchPath`. Resolved here because
    /// launching by name tries one spawn per PATH entry, which cost about 4 ms each.
    static func locate(_ name: String, searchPath: String) -> String? {
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory + "/" + name
            var information = stat()
            guard stat(candidate, &information) == 0, information.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 else { continue }
            return candidate
        }
        return nil
    }

    public static func run(_ request: ProcessRequest) async throws -> ProcessResult {
        let executable: Executable
        if request.executable.contains("/") {
            executable = .path(.init(request.executable))
        } else {
            let searchPath = request.environment["PATH"].flatMap { $0 }
                ?? (request.isolatedEnvironment ? nil : ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin:/bin"
            guard let found = locate(request.executable, searchPath: searchPath) else {
                throw ProcessError(code: .executableNotFound, executable: request.executable, message: "\(request.executable): executable not found in PATH")
            }
            executable = .path(.init(found))
        }
        let environment: Environment
        if request.isolatedEnvironment {
            environment = .custom(request.environment.compactMapValues { $0 }.reduce(into: [:]) { $0[Environment.Key(stringLiteral: $1.key)] = $1.value })
        } else {
            var overrides: [Environment.Key: String?] = [:]
            for (key, value) in request.environment { overrides[Environment.Key(stringLiteral: key)] = value }
            environment = Environment.inherit.updating(overrides)
        }
        let workingDirectory = request.workingDirectory.map { FilePath($0) }
        let arguments = Arguments(request.arguments)
        let name = request.executable
        let timeout = request.timeout
        let input = request.input
        let outputLimit = request.outputLimit
        let errorLimit = request.errorLimit
        let finalEnvironment = environment
        return try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
            group.addTask {
                do {
                    let result = try await Subprocess.run(
                        executable, arguments: arguments, environment: finalEnvironment, workingDirectory: workingDirectory,
                        input: .array(input), output: .bytes(limit: outputLimit), error: .bytes(limit: errorLimit))
                    switch result.terminationStatus {
                    case .exited(let code):
                        return ProcessResult(exitCode: code, signal: nil, standardOutput: result.standardOutput, standardError: result.standardError)
                    case .signaled(let signal):
                        return ProcessResult(exitCode: nil, signal: signal, standardOutput: result.standardOutput, standardError: result.standardError)
                    }
                } catch let error as SubprocessError {
                    switch error.code {
                    case SubprocessError.Code.executableNotFound:
                        throw ProcessError(code: .executableNotFound, executable: name, message: "\(name): executable not found in PATH")
                    case SubprocessError.Code.outputLimitExceeded:
                        throw ProcessError(code: .outputTooLarge, executable: name, message: "\(name): output larger than \(outputLimit) bytes")
                    default:
                        throw ProcessError(code: .launchFailed, executable: name, message: "\(name): \(error)")
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw ProcessError(code: .timedOut, executable: name, message: "\(name) did not finish within \(timeout)")
            }
            return result
        }
    }
}
