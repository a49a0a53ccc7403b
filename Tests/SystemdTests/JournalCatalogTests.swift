import Foundation
import Systemd
import Testing
import TestSupport

/// The journald catalog shipped in the package has exactly one entry per `AgentEvent`, and
/// journalctl itself accepts it (built into a database under a scratch root).
@Suite struct JournalCatalogTests {
    private var catalogPath: String { PackagePaths.root + "/systemd/stageset-agent.catalog" }

    @Test func theCatalogHasOneEntryPerMessageID() throws {
        let text = try String(contentsOfFile: catalogPath, encoding: .utf8)
        let headers = text.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) }
        #expect(headers.sorted() == AgentEvent.allCases.map(\.messageID).sorted())
        for header in headers {
            #expect(header.range(of: "^[0-9a-f]{32}$", options: .regularExpression) != nil)
        }
    }

    /// Every `"event": "…"` the engine (Rollout, Daemon) logs is an `AgentEvent`, so each reaches
    /// the journal with a MESSAGE_ID and a catalog entry.
    @Test func everyEventTheEngineLogsHasAMessageID() throws {
        let known = Set(AgentEvent.allCases.map(\.rawValue))
        var logged: Set<String> = []
        for directory in ["Sources/Rollout", "Sources/Daemon"] {
            let root = PackagePaths.root + "/" + directory
            for file in try FileManager.default.contentsOfDirectory(atPath: root) where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                for pattern in [#""event": "([a-z-]+)""#, #"\["event"\] = "([a-z-]+)""#] {
                    let expression = try NSRegularExpression(pattern: pattern)
                    for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                        logged.insert(String(text[Range(match.range(at: 1), in: text)!]))
                    }
                }
            }
        }
        #expect(logged.count >= 10, "the scan found the engine's events: \(logged.sorted())")
        #expect(logged.subtracting(known).isEmpty, "events without a MESSAGE_ID: \(logged.subtracting(known).sorted())")
        #expect(known.subtracting(logged).isEmpty, "MESSAGE_IDs the engine never logs: \(known.subtracting(logged).sorted())")
    }

    @Test func journalctlCompilesAndListsTheCatalog() throws {
        let root = try ScratchDirectory("catalog")
        try root.write("usr/lib/systemd/catalog/stageset-agent.catalog", try String(contentsOfFile: catalogPath, encoding: .utf8))
        try Shell.check("journalctl", ["--root=\(root.directory)", "--update-catalog"])
        #expect(FileManager.default.fileExists(atPath: root.file("var/lib/systemd/catalog/database")))
        let listing = try Shell.check("journalctl", ["--root=\(root.directory)", "--list-catalog", "--no-pager"])
        for event in AgentEvent.allCases {
            let line = listing.split(separator: "\n").first { $0.hasPrefix(event.messageID) }
            #expect(line?.contains("stageset-agent") == true, "catalog entry for \(event.rawValue)")
        }
        let details = try Shell.check("journalctl", ["--root=\(root.directory)", "--dump-catalog", "--no-pager", AgentEvent.stageFailed.messageID])
        #expect(details.contains("Documentation:"))
        #expect(details.contains("@STAGE@") || details.contains("STAGE"))
    }
}
