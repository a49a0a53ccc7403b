import ArgumentParser
import StageSpec
import Store

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the rollback store's entries: stage, revision, time, size, and which is the last applied.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this StageSet (NAME or NAMESPACE/NAME).")
    var stageset: String?

    func run() throws {
        let stageSets = try global.selectStageSets(stageset, requireAny: false).stageSets
        for stageSet in stageSets {
            let state = StageSetStateStore(stateDirectory: global.stateDirectory, namespace: stageSet.metadata.namespace, name: stageSet.metadata.name)
            let store = RollbackStore(stateSetDirectory: state.directory, identity: try AgentWiring.requireIdentity(global))
            let snapshot = Set(((try? state.readStatus())?.lastAppliedSnapshot ?? []).compactMap(\.entry))
            print("StageSet \(stageSet.key):")
            let entries = try store.list().sorted { ($0.stage, $0.createdAt) < ($1.stage, $1.createdAt) }
            if entries.isEmpty { print("  (no entries)") }
            for entry in entries {
                let marker = snapshot.contains(entry.id) ? "  * last applied" : ""
                print("  \(entry.stage)  \(entry.revision)  \(entry.createdAt)  \(entry.bytes) bytes  \(entry.id)\(marker)")
            }
        }
    }
}
