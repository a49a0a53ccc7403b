import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The `stageset-agent` command line.
struct StagesetAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stageset-agent",
        abstract: "Rolls Kubernetes manifests out to one cluster in ordered, gated stages.",
        discussion: """
            Configuration: StageSet, GitRepository and JsonnetSnippet documents in --config.
            Exit codes: 0 success, 1 the command found problems, 2 usage errors.
            """,
        version: AgentVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, BuildCommand.self, ReconcileCommand.self, StatusCommand.self, DiffCommand.self, HistoryCommand.self, RollbackCommand.self, DecryptCommand.self, VersionCommand.self]
    )
}

@main
enum Entrypoint {
    static func main() async {
        do {
            var command = try StagesetAgent.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = StagesetAgent.exitCode(for: error)
            if code == .validationFailure {
                writeStandardError(StagesetAgent.fullMessage(for: error) + "\n")
                exit(2)
            }
            StagesetAgent.exit(withError: error)
        }
    }
}

func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// The command found problems (exit code 1), already reported to the operator.
struct ProblemsFound: Error {}

extension ExitCode {
    static let problemsFound = ExitCode(1)
}
