import Foundation
import KubeEmulator
import Testing
import TestSupport

/// The agent as systemd runs it: `stageset-agent run`, stopped with SIGTERM in the middle of a pass.
@Suite struct DaemonProcessTests {
    @Test func sigtermDuringAPassExitsCleanlyAndTheNextStartConverges() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        try fixture.scratch.write("repository/clusters/edge/app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")
        try fixture.scratch.write("repository/clusters/edge/app/web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: demo
              annotations: {emulator.stageset-agent.dev/readiness: progressing}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
            """)
        try fixture.commit("stuck deployment")
        let config = try fixture.writeConfig(ref: "branch: main")
        let arguments = ["run", "--config", config, "--state-dir", fixture.scratch.file("state"), "--secrets-dir", fixture.scratch.file("secrets"),
            "--runtime-dir", fixture.scratch.file("run"), "--kubeconfig", emulator.kubeconfigPath]
        let binary = try PackagePaths.builtProduct("stageset-agent")

        let first = try SpawnedAgent(binary, arguments)
        let statusPath = fixture.scratch.file("state/demo/edge/status.json")
        try waitUntil("the stage is being verified") {
            ((try? String(contentsOfFile: statusPath, encoding: .utf8)) ?? "").contains("\"phase\" : \"Verifying\"")
        }
        let exitCode = try first.terminateAndWait()
        #expect(exitCode == 0, "graceful stop")
        // Nothing half-written: both state files parse, and the inventory recorded the applied objects.
        let status = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statusPath)))
        #expect(status is [String: Any])
        let inventory = try String(contentsOfFile: fixture.scratch.file("state/demo/edge/inventory.json"), encoding: .utf8)
        #expect(inventory.contains("demo_web_apps_Deployment"))

        // The fix lands in Git; the next start converges.
        try fixture.scratch.write("repository/clusters/edge/app/web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: demo}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
            """)
        try fixture.commit("fixed")
        let second = try SpawnedAgent(binary, arguments)
        try waitUntil("the StageSet is Ready") {
            ((try? String(contentsOfFile: statusPath, encoding: .utf8)) ?? "").contains("\"reason\" : \"Succeeded\"")
        }
        #expect(try second.terminateAndWait() == 0)
    }
}

/// `stageset-agent run` as a child process.
final class SpawnedAgent {
    let peer: BackgroundProcess

    init(_ binary: String, _ arguments: [String]) throws {
        peer = try BackgroundProcess(binary, arguments)
    }

    func terminateAndWait() throws -> Int32 {
        try peer.terminateAndWait(within: .seconds(20))
    }
}

func waitUntil(_ what: String, within seconds: Int = 60, _ condition: () -> Bool) throws {
    for _ in 0..<(seconds * 20) {
        if condition() { return }
        usleep(50_000)
    }
    throw TestFailure("timed out waiting until \(what)")
}
