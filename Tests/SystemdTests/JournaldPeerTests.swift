import Foundation
import Logging
import Systemd
import Testing
import TestSupport

/// Entries sent by `JournalLogHandler` to a real `systemd-journald` (a private journal namespace
/// instance, so the host's journal is untouched) and read back with `journalctl` the way an
/// operator queries them.
@Suite struct JournaldPeerTests {
    static let journald = "/lib/systemd/systemd-journald"

    /// A journald instance for namespace `name`, its files removed afterwards.
    final class JournalNamespace {
        let name: String
        let socketPath: String
        private let process: BackgroundProcess
        private let machineID: String

        init() throws {
            guard FileManager.default.isExecutableFile(atPath: JournaldPeerTests.journald) else {
                throw TestFailure("required test peer systemd-journald is not installed (Debian package: systemd)")
            }
            guard getuid() == 0 else { throw TestFailure("this test runs a systemd-journald namespace instance and needs root") }
            name = "stagesettest\(getpid())x\(UInt16.random(in: 0...UInt16.max))"
            socketPath = "/run/systemd/journal.\(name)/socket"
            machineID = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let socketPath = socketPath
            process = try BackgroundProcess(JournaldPeerTests.journald, [name]) {
                var status = stat()
                return stat(socketPath, &status) == 0
            }
        }

        deinit {
            process.stop()
            for directory in ["/run/systemd/journal.\(name)", "/var/log/journal/\(machineID).\(name)", "/run/log/journal/\(machineID).\(name)"] {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }

        /// Entries matching `filters`, waiting until `count` have been written (journald stores asynchronously).
        func entries(_ filters: [String], count: Int) throws -> [[String: Any]] {
            var found: [[String: Any]] = []
            for _ in 0..<200 {
                let output = try Shell.check("journalctl", ["--namespace=\(name)", "-o", "json", "--all", "--no-pager"] + filters)
                found = try output.split(separator: "\n").map {
                    try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
                }
                if found.count >= count { return found }
                usleep(50_000)
            }
            throw TestFailure("journalctl \(filters) found \(found.count) entries, expected \(count)")
        }
    }

    @Test func journalctlFindsEntriesByStageSetStageAndMessageID() throws {
        let namespace = try JournalNamespace()
        let socket = JournalSocket(path: namespace.socketPath, maximumDatagramSize: 8192)
        var logger = Logger(label: "stageset-agent") { JournalLogHandler(label: $0, socket: socket) }
        logger[metadataKey: "STAGESET"] = "payments"
        logger.info("stage app applied", metadata: ["STAGE": "app", "REVISION": "main@sha1:abc", "event": "stage-applied"])
        logger.error("stage infra failed:\nDeployment/web: field is immutable", metadata: ["STAGE": "infra", "REASON": "StageFailed", "event": "stage-failed"])
        let large = String(repeating: "diff line\n", count: 5_000)
        logger.notice("\(large)", metadata: ["STAGE": "app", "event": "object-pruned", "token": "hunter2"])

        let applied = try namespace.entries(["STAGESET=payments", "STAGE=app", "MESSAGE_ID=\(AgentEvent.stageApplied.messageID)"], count: 1)
        #expect(applied.count == 1)
        #expect(applied.first?["MESSAGE"] as? String == "stage app applied")
        #expect(applied.first?["PRIORITY"] as? String == "6")
        #expect(applied.first?["SYSLOG_IDENTIFIER"] as? String == "stageset-agent")
        #expect(applied.first?["REVISION"] as? String == "main@sha1:abc")
        #expect(applied.first?["_TRANSPORT"] as? String == "journal")
        #expect(applied.first?["_PID"] as? String == String(getpid()))

        let failed = try namespace.entries(["MESSAGE_ID=\(AgentEvent.stageFailed.messageID)"], count: 1)
        #expect(failed.first?["MESSAGE"] as? String == "stage infra failed:\nDeployment/web: field is immutable")
        #expect(failed.first?["REASON"] as? String == "StageFailed")
        #expect(failed.first?["PRIORITY"] as? String == "3")

        let pruned = try namespace.entries(["STAGESET=payments", "AGENT_EVENT=object-pruned"], count: 1)
        #expect(pruned.first?["MESSAGE"] as? String == large, "the memory-file entry was accepted whole")
        #expect(pruned.first?["AGENT_TOKEN"] as? String == "<redacted>")

        let everything = try namespace.entries(["STAGESET=payments"], count: 3)
        #expect(everything.count == 3)
    }
}
