import Foundation
import KubeEmulator
import Testing
import TestSupport

@Suite struct ClusterCommandTests {
    @Test func reconcileStatusAndDiffAgainstACluster() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        try fixture.addNamespace()
        let config = try fixture.writeConfig(ref: "branch: main")
        let common = ["--config", config, "--state-dir", fixture.scratch.file("state"), "--secrets-dir", fixture.scratch.file("secrets"),
            "--kubeconfig", emulator.kubeconfigPath]

        let reconcile = try agent(["reconcile", "--once"] + common)
        #expect(reconcile.status == 0, "\(reconcile.standardError)")
        #expect(reconcile.standardOutput.contains("StageSet demo/edge: Ready (Succeeded)"))
        #expect(reconcile.standardOutput.contains("app  Ready  main@sha1:"))

        let status = try agent(["status", "-o", "json"] + common.prefix(6))
        #expect(status.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [[String: Any]]
        #expect((parsed?.first?["conditions"] as? [[String: Any]])?.first?["reason"] as? String == "Succeeded")
        #expect(try agent(["status"] + common.prefix(6)).standardOutput.contains("demo/edge  True   Succeeded"))

        #expect(try agent(["diff", "--exit-code"] + common).status == 0)
        try fixture.scratch.write("repository/clusters/edge/app/config.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: demo
            data:
              mode: changed
            """)
        try fixture.commit("change")
        let diff = try agent(["diff", "--exit-code"] + common)
        #expect(diff.status == 1)
        #expect(diff.standardOutput.contains("-  mode: one\n+  mode: changed"))
        #expect(diff.standardOutput.contains("pruned: Secret/demo/credentials"))
        #expect(!diff.standardOutput.contains("very-secret-token"))
        #expect(try agent(["diff"] + common).status == 0, "without --exit-code a diff is not a failure")
    }

    @Test func aFailedPassExitsOne() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        let config = try fixture.writeConfig(ref: "branch: main")
        // The namespace "demo" does not exist: the apply fails and the command says so.
        let output = try agent(["reconcile", "--once", "--config", config, "--state-dir", fixture.scratch.file("state"),
            "--kubeconfig", emulator.kubeconfigPath])
        #expect(output.status == 1)
        #expect(output.standardOutput.contains("Not ready (StageFailed)"))
        let noDaemon = try agent(["reconcile", "--config", config, "--runtime-dir", fixture.scratch.file("run")])
        #expect(noDaemon.status == 1)
        #expect(noDaemon.standardError.contains("no agent is running"))
    }
}
