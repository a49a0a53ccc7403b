import Testing
@testable import HostProcess

@Suite struct ProcessRunnerTests {
    @Test func capturesOutputAndExitCode() async throws {
        let result = try await ProcessRunner.run(ProcessRequest(executable: "sh", arguments: ["-c", "cat; echo err >&2; exit 3"], input: Array("in".utf8)))
        #expect(result.exitCode == 3)
        #expect(result.standardOutputText == "in")
        #expect(result.standardErrorText() == "err")
    }

    @Test func passesEnvironmentWithoutArguments() async throws {
        let result = try await ProcessRunner.run(ProcessRequest(executable: "sh", arguments: ["-c", "printf %s \"$SECRET_VALUE\""],
            environment: ["SECRET_VALUE": "kept-out-of-argv"]))
        #expect(result.standardOutputText == "kept-out-of-argv")
        let isolated = try await ProcessRunner.run(ProcessRequest(executable: "/bin/sh", arguments: ["-c", "printf %s \"${HOME:-unset}\""],
            environment: [:], isolatedEnvironment: true))
        #expect(isolated.standardOutputText == "unset")
    }

    @Test func killsTheProcessAtTheDeadline() async throws {
        await #expect {
            _ = try await ProcessRunner.run(ProcessRequest(executable: "sleep", arguments: ["30"], timeout: .milliseconds(300)))
        } throws: { error in (error as? ProcessError)?.code == .timedOut }
    }

    @Test func aMissingExecutableIsNamed() async throws {
        await #expect {
            _ = try await ProcessRunner.run(ProcessRequest(executable: "no-such-tool-here"))
        } throws: { error in
            guard let error = error as? ProcessError else { return false }
            return error.code == .executableNotFound && error.message.contains("no-such-tool-here")
        }
    }

    @Test func refusesMoreOutputThanTheLimit() async throws {
        await #expect {
            _ = try await ProcessRunner.run(ProcessRequest(executable: "head", arguments: ["-c", "100000", "/dev/zero"], outputLimit: 1_000))
        } throws: { error in (error as? ProcessError)?.code == .outputTooLarge }
    }
}
