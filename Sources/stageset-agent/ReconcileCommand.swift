import ArgumentParser
import Daemon
import JSON
import Fetch
import HostSecrets
import Logging
import Rollout
import StageSpec
import Store

/// Options for commands that talk to a cluster.
struct ClusterOptions: ParsableArguments {
    @Option(name: .long, help: "kubeconfig file (used by StageSets without spec.kubeConfig; default $KUBECONFIG, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(name: .long, help: "kubeconfig context (default: the file's current-context).")
    var context: String?
}

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Run a reconcile pass: pin sources, apply every stage in order, wait until ready, prune.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions

    @Flag(name: .long, help: "Run one pass in the foreground and exit (0 when every StageSet is Ready, 1 otherwise).")
    var once = false

    @Flag(name: .long, help: "With a running agent: wait for the pass to finish and print its summary.")
    var wait = false

    @Flag(name: .long, help: "Apply revisions a rollback parked.")
    var force = false

    @Option(name: .long, help: "Only this StageSet (NAME or NAMESPACE/NAME).")
    var stageset: String?

    @Option(name: .long, help: "Only this stage (the other stages and their objects are left alone).")
    var stage: String?

    func run() async throws {
        guard once else {
            try askDaemon()
            return
        }
        let (configuration, stageSets) = try global.selectStageSets(stageset, requireAny: true)
        let logger = AgentLogging.logger(global)
        let lock = try global.lockStateDirectory(hint: "ask it for a pass with `stageset-agent reconcile` (without --once)")
        defer { withExtendedLifetime(lock) {} }
        var allReady = true
        for stageSet in stageSets {
            if let stage, !stageSet.spec.stages.contains(where: { $0.name == stage }) {
                throw ValidationError("StageSet \(stageSet.key) has no stage named \"\(stage)\"")
            }
            let reconciler = AgentWiring.reconciler(for: stageSet, configuration: configuration, global: global, cluster: cluster, logger: logger)
            let outcome = await reconciler.reconcile(onlyStage: stage, force: force)
            print(PassSummary.render(stageSet: stageSet, outcome: outcome))
            if !outcome.isReady { allReady = false }
        }
        if !allReady { throw ExitCode.problemsFound }
    }
}

extension ReconcileCommand {
    /// Asks the running agent for a pass over its control socket.
    func askDaemon() throws {
        let response: JSONValue
        do {
            response = try ControlClient.send(ControlMessages.reconcileRequest(stageSet: stageset, stage: stage, force: force, wait: wait),
                to: global.controlSocketPath)
        } catch {
            writeStandardError("\(error.message)\n")
            if error.code == .notRunning { writeStandardError("use --once to run a pass in the foreground\n") }
            throw ExitCode.problemsFound
        }
        guard response["ok"]?.boolValue == true else {
            writeStandardError("the agent refused the request: \(response["error"]?.stringValue ?? "unknown error")\n")
            throw ExitCode.problemsFound
        }
        var allReady = true
        for result in response["results"]?.arrayValue ?? [] {
            let name = result["stageSet"]?.stringValue ?? "?"
            guard let outcome = result["outcome"] else {
                print("StageSet \(name): pass requested")
                continue
            }
            let ready = outcome["ready"]?.boolValue ?? false
            if !ready { allReady = false }
            print("StageSet \(name): \(ready ? "Ready" : "Not ready") (\(outcome["reason"]?.stringValue ?? "")): \(outcome["message"]?.stringValue ?? "")")
            for stage in outcome["stages"]?.arrayValue ?? [] {
                print("  \(stage["name"]?.stringValue ?? "")  \(stage["phase"]?.stringValue ?? "")  \(stage["revision"]?.stringValue ?? "-")")
            }
        }
        if wait && !allReady { throw ExitCode.problemsFound }
    }
}

/// The per-stage summary `reconcile --once` prints.
enum PassSummary {
    static func render(stageSet: StageSet, outcome: PassOutcome) -> String {
        let ready = outcome.isReady ? "Ready" : "Not ready"
        var lines = ["StageSet \(stageSet.key): \(ready) (\(outcome.reason.rawValue)): \(outcome.message)"]
        let width = stageSet.spec.stages.map(\.name.count).max() ?? 0
        for stage in stageSet.spec.stages {
            let name = stage.name + String(repeating: " ", count: width - stage.name.count)
            guard let result = outcome.stages.first(where: { $0.name == stage.name }) else {
                lines.append("  \(name)  not reached")
                continue
            }
            let counts = result.actions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            var line = "  \(name)  \(result.phase.rawValue)  \(result.revision ?? "-")"
            if !counts.isEmpty { line += "  \(counts)" }
            if !result.message.isEmpty { line += "\n    \(result.message)" }
            lines.append(line)
        }
        for object in outcome.pruned { lines.append("  pruned \(object)") }
        return lines.joined(separator: "\n")
    }
}
