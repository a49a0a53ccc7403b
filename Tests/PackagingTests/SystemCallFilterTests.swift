import Foundation
import KubeEmulator
import Testing
import TestSupport

/// `SystemCallFilter=@system-service` + `~@privileged @resources` is only safe if the agent and the
/// programs it runs never need a call outside it. Trace a real pass — git over file://, HTTPS to
/// the Kubernetes API emulator, state writes — and check every call against the unit's filter.
@Suite struct SystemCallFilterTests {
    /// The calls the unit's SystemCallFilter= lines permit.
    static func permittedCalls() throws -> Set<String> {
        let unit = SystemdAnalyze.parseUnit(try String(contentsOfFile: SystemdAnalyze.unitPath, encoding: .utf8))
        // As systemd applies them: the first line is an allow-list, later lines add (no `~`) or
        // remove (`~`) calls in order.
        var permitted: Set<String> = []
        for line in (unit["Service"] ?? []).filter({ $0.key == "SystemCallFilter" }).map(\.value) {
            let deny = line.hasPrefix("~")
            for item in line.dropFirst(deny ? 1 : 0).split(separator: " ") {
                var seen: Set<String> = []
                let calls = try SystemdAnalyze.expand(String(item), seen: &seen)
                if deny { permitted.subtract(calls) } else { permitted.formUnion(calls) }
            }
        }
        return permitted
    }

    @Test func aReconcilePassMakesOnlySystemCallsTheUnitPermits() throws {
        let strace = try Shell.locate("strace")
        let agent = try PackagePaths.builtProduct("stageset-agent")
        let fixture = try CommandLineFixture()
        try fixture.addNamespace()
        let config = try fixture.writeConfig(ref: "branch: main")
        let scratch = fixture.scratch
        let emulator = try KubeEmulator.start(.init(stateDirectory: scratch.file("emulator")))
        defer { emulator.stop() }

        let trace = scratch.file("trace")
        let run = try Shell.run(strace, ["-f", "-qq", "-o", trace, agent, "reconcile", "--once", "--config", config,
            "--state-dir", scratch.file("state"), "--secrets-dir", scratch.file("secrets"), "--kubeconfig", emulator.kubeconfigPath])
        #expect(run.status == 0, "reconcile --once under strace: \(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("Ready (Succeeded)"))

        var used: Set<String> = []
        for line in try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n") {
            if let match = line.firstMatch(of: /^\d+\s+([a-z0-9_]+)\(/) { used.insert(String(match.1)) }
            if let match = line.firstMatch(of: /<\.\.\. ([a-z0-9_]+) resumed>/) { used.insert(String(match.1)) }
        }
        #expect(used.contains("execve") && used.contains("connect"), "the trace covers the agent and its children")
        let forbidden = used.subtracting(try Self.permittedCalls())
        print("system calls used by reconcile --once (\(used.count)): \(used.sorted().joined(separator: " "))")
        #expect(forbidden.isEmpty, "calls the unit's SystemCallFilter= would refuse with EPERM: \(forbidden.sorted())")
    }
}
