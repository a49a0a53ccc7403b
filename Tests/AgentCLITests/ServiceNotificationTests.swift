import Foundation
import KubeEmulator
import Testing
import TestSupport

/// `stageset-agent run` under a stand-in for systemd's notify socket (a datagram socket the test
/// binds and names in NOTIFY_SOCKET, as systemd does for `Type=notify`): READY, STATUS, the
/// watchdog, RELOADING on SIGHUP and STOPPING on SIGTERM, each from the agent's own pid.
@Suite struct ServiceNotificationTests {
    @Test func theDaemonTellsSystemdItsLifeCycle() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        try fixture.addNamespace()
        let config = try fixture.writeConfig(ref: "branch: main")
        let receiver = try DatagramReceiver(directory: fixture.scratch.file(""))
        let arguments = ["run", "--config", config, "--state-dir", fixture.scratch.file("state"), "--secrets-dir", fixture.scratch.file("secrets"),
            "--runtime-dir", fixture.scratch.file("run"), "--kubeconfig", emulator.kubeconfigPath, "--log-format", "text"]
        let agentProcess = try BackgroundProcess(
            try PackagePaths.builtProduct("stageset-agent"), arguments,
            environment: ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "2000000"])
        var received: [String] = []

        /// Datagrams until one satisfies `condition`; each must come from the agent's main process.
        func receive(until what: String, _ condition: (String) -> Bool) throws -> String {
            while true {
                let datagram = try receiver.receive()
                #expect(datagram.senderProcessID == agentProcess.pid, "NotifyAccess=main: sent by the main process")
                // One `NAME=value` assignment per line; the trailing newline is optional in the protocol.
                let text = datagram.text.hasSuffix("\n") ? String(datagram.text.dropLast()) : datagram.text
                received.append(text)
                if condition(text) { return text }
                if received.count > 40 { throw TestFailure("no \(what) among \(received)") }
            }
        }

        _ = try receive(until: "READY=1") { $0.split(separator: "\n").contains("READY=1") }
        let status = try receive(until: "a Ready status line") { $0.hasPrefix("STATUS=") && $0.contains("demo/edge: Ready main@sha1:") }
        #expect(!status.contains("\n"), "one assignment, one line: \(status)")
        _ = try receive(until: "a watchdog ping") { $0 == "WATCHDOG=1" }

        agentProcess.kill(signal: SIGHUP)
        let reloading = try receive(until: "RELOADING=1") { $0.contains("RELOADING=1") }
        #expect(reloading.contains("MONOTONIC_USEC="), "systemd requires the reload's monotonic timestamp: \(reloading)")
        _ = try receive(until: "READY=1 after the reload") { $0.split(separator: "\n").contains("READY=1") }

        agentProcess.kill(signal: SIGTERM)
        _ = try receive(until: "STOPPING=1") { $0.contains("STOPPING=1") }
        #expect(try agentProcess.terminateAndWait(within: .seconds(20)) == 0)
    }

    @Test func withoutNotifySocketNothingIsSentAndJSONLogsCarryTheEvents() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        try fixture.addNamespace()
        let config = try fixture.writeConfig(ref: "branch: main")
        let result = try agent(["reconcile", "--once", "--config", config, "--state-dir", fixture.scratch.file("state"),
            "--secrets-dir", fixture.scratch.file("secrets"), "--kubeconfig", emulator.kubeconfigPath, "--log-format", "json"],
            environment: ["NOTIFY_SOCKET": ""])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(!lines.isEmpty, "JSON lines on standard error: \(result.standardError)")
        let events = lines.compactMap { $0["event"] as? String }
        #expect(events.contains("stage-applied") && events.contains("stage-ready"), "\(events)")
        let applied = try #require(lines.first { $0["event"] as? String == "stage-applied" })
        #expect(applied["message_id"] as? String == "6cba6f12ddc94c7aa879c7c28d838af9")
        #expect(applied["STAGE"] as? String == "app")
        #expect(!result.standardError.contains("very-secret-token"), "the Secret's value never reaches the log")
    }
}
