import ArgumentParser
import Daemon
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StageSpec
import Store

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each StageSet's Ready condition, stages and revisions (from the state directory).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this StageSet (NAME or NAMESPACE/NAME).")
    var stageset: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: text or json.")
    var output: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument {
        case text
        case json
    }

    func run() throws {
        let stageSets = try global.selectStageSets(stageset, requireAny: false).stageSets
        var statuses: [(StageSet, StageSetStatus?)] = []
        for stageSet in stageSets {
            let store = StageSetStateStore(stateDirectory: global.stateDirectory, namespace: stageSet.metadata.namespace, name: stageSet.metadata.name)
            do {
                statuses.append((stageSet, try store.readStatus()))
            } catch {
                writeStandardError("StageSet \(stageSet.key): \(error)\n")
                statuses.append((stageSet, nil))
            }
        }
        let live = try? ControlClient.send(ControlMessages.statusRequest, to: global.controlSocketPath)
        switch output {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let documents = statuses.map { $0.1 ?? StageSetStatus(stageSet: "\($0.0.key)") }
            print(String(decoding: try encoder.encode(documents), as: UTF8.self))
        case .text:
            print(StatusTable.render(statuses))
            if let live, live["ok"]?.boolValue == true {
                print("\nagent: running — \(live["statusLine"]?.stringValue ?? "")")
                for entry in live["stageSets"]?.arrayValue ?? [] {
                    let name = entry["stageSet"]?.stringValue ?? "?"
                    if entry["passInProgress"]?.boolValue == true {
                        print("  \(name): pass in progress")
                    } else {
                        print("  \(name): next pass in \(entry["secondsUntilNextPass"]?.numberValue?.intValue ?? 0)s")
                    }
                }
            } else {
                print("\nagent: not running (state from \(global.stateDirectory))")
            }
        }
    }
}

/// The human view of status: one line per StageSet, then one line per stage.
enum StatusTable {
    static func render(_ statuses: [(StageSet, StageSetStatus?)]) -> String {
        var rows: [[String]] = [["STAGESET", "READY", "REASON", "STAGES", "LAST RECONCILE", "MESSAGE"]]
        var details: [String: [String]] = [:]
        for (stageSet, status) in statuses {
            guard let status, let ready = status.ready else {
                rows.append(["\(stageSet.key)", "Unknown", "-", "0/\(stageSet.spec.stages.count)", "-", "never reconciled"])
                continue
            }
            let readyStages = status.stages.filter { $0.phase == .ready }.count
            rows.append(["\(stageSet.key)", ready.status.rawValue, ready.reason, "\(readyStages)/\(stageSet.spec.stages.count)",
                status.lastReconcileTime ?? "-", ready.message])
            details["\(stageSet.key)"] = status.stages.map { stage in
                let revision = stage.revision ?? "-"
                return "  \(stage.name): \(stage.phase.rawValue) \(revision)\(stage.message.isEmpty ? "" : " — \(stage.message)")"
            }
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < row.count - 1 { widths[index] = max(widths[index], cell.count) }
        }
        var lines: [String] = []
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                line += index < row.count - 1 ? cell + String(repeating: " ", count: widths[index] - cell.count + 2) : cell
            }
            lines.append(line)
            if let stageLines = details[row[0]] { lines += stageLines }
        }
        return lines.joined(separator: "\n")
    }
}
