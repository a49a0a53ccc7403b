import ArgumentParser
import Daemon
import JSON
import Rollout
import StageSpec

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll a StageSet back to its last good snapshot (or to a stored revision), through the running agent or standalone.",
        discussion: "Fails closed with PreviousRevisionUnavailable when the stored state cannot be reproduced with today's keys and build inputs.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions

    @Option(name: .long, help: "Only this StageSet (NAME or NAMESPACE/NAME).")
    var stageset: String?

    @Option(name: .long, help: "Roll back to this revision (every stage needs a stored entry at it).")
    var to: String?

    func run() async throws {
        if let response = try? ControlClient.send(ControlMessages.rollbackRequest(stageSet: stageset, to: to), to: global.controlSocketPath) {
            guard response["ok"]?.boolValue == true else {
                writeStandardError("the agent refused the request: \(response["error"]?.stringValue ?? "unknown error")\n")
                throw ExitCode.problemsFound
            }
            var failed = false
            for result in response["results"]?.arrayValue ?? [] {
                let outcome = result["outcome"]
                print("StageSet \(result["stageSet"]?.stringValue ?? "?"): \(outcome?["reason"]?.stringValue ?? ""): \(outcome?["message"]?.stringValue ?? "")")
                if outcome?["reason"]?.stringValue == "PreviousRevisionUnavailable" { failed = true }
            }
            if failed { throw ExitCode.problemsFound }
            return
        }
        let (configuration, stageSets) = try global.selectStageSets(stageset, requireAny: true)
        let logger = AgentLogging.logger(global)
        let lock = try global.lockStateDirectory()
        defer { withExtendedLifetime(lock) {} }
        var failed = false
        for stageSet in stageSets {
            let reconciler = AgentWiring.reconciler(for: stageSet, configuration: configuration, global: global, cluster: cluster, logger: logger)
            let outcome = await reconciler.rollBack(to: to)
            print("StageSet \(stageSet.key): \(outcome.reason.rawValue): \(outcome.message)")
            if outcome.reason == .previousRevisionUnavailable || outcome.reason == .invalidSpec { failed = true }
        }
        if failed { throw ExitCode.problemsFound }
    }
}
