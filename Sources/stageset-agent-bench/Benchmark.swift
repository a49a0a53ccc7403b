import ArgumentParser
import Foundation

/// Benchmarks that print the agent's figure beside a peer's from the same run, as a ratio.
/// Build with `swift build -c release` (or `make bench`); never run as tests.
@main
struct Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stageset-agent-bench",
        abstract: "Measure stageset-agent against its peers (kubectl, sops) on this machine.",
        subcommands: [ApplyBenchmark.self, DecryptBenchmark.self, DaemonBenchmark.self])
}

/// Prints a small aligned table.
func printTable(_ rows: [[String]]) {
    var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
    for row in rows {
        print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
}

func seconds(_ duration: Duration) -> Double {
    let (whole, fraction) = duration.components
    return Double(whole) + Double(fraction) / 1e18
}

func format(_ value: Double) -> String { String(format: "%.3f", value) }
