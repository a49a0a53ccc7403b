import ArgumentParser
import Rollout
import StageSpec

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a pass would change: a server-side dry-run per object, Secret values masked, and what would be pruned.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions

    @Option(name: .long, help: "Only this StageSet (NAME or NAMESPACE/NAME).")
    var stageset: String?

    @Option(name: .long, help: "Only this stage.")
    var stage: String?

    @Flag(name: .long, help: "Exit 1 when something would change (for CI gates).")
    var exitCode = false

    func run() async throws {
        let (configuration, stageSets) = try global.selectStageSets(stageset, requireAny: true)
        let logger = AgentLogging.logger(global)
        var changed = false
        var problems = false
        for stageSet in stageSets {
            let reconciler = AgentWiring.reconciler(for: stageSet, configuration: configuration, global: global, cluster: cluster, logger: logger)
            let diff = await DiffPlanner(reconciler: reconciler).diff(onlyStage: stage)
            for problem in diff.problems {
                writeStandardError("StageSet \(stageSet.key): \(problem)\n")
                problems = true
            }
            for change in diff.changes where change.change != .unchanged {
                print("\(change.change.rawValue): \(change.object) (StageSet \(stageSet.key), stage \(change.stage))")
                if !change.diff.isEmpty { print(change.diff, terminator: "") }
            }
            if diff.hasChanges { changed = true }
        }
        if problems { throw ExitCode(3) }
        if changed && exitCode { throw ExitCode.problemsFound }
    }
}
