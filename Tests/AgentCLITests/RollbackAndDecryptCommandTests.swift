import AgeCrypto
import Foundation
import KubeEmulator
import Store
import Testing
import TestSupport

@Suite struct DecryptCommandTests {
    @Test func writesExactlyWhatSopsDecryptWrites() throws {
        let scratch = try ScratchDirectory("cli-decrypt")
        let key = scratch.file("keys/age.agekey")
        try FileManager.default.createDirectory(atPath: scratch.file("keys"), withIntermediateDirectories: true)
        try Shell.check("age-keygen", ["-o", key])
        let recipient = try Shell.check("age-keygen", ["-y", key]).trimmingCharacters(in: .whitespacesAndNewlines)
        for (name, text) in [("s.yaml", "# comment\napiVersion: v1\nkind: Secret\nstringData:\n    password: hunter2 # inline\n    list: [1, 2.5, true]\n"),
            ("a.env", "A=1\nB=two words\n"), ("c.json", "{\"a\": {\"b\": [1, \"x\"]}}\n")]
        {
            let plain = try scratch.write(name, text)
            let encrypted = try scratch.write("enc-" + name, try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient, plain]))
            let expected = try Shell.runBytes("sops", ["--disable-version-check", "decrypt", encrypted], environment: ["SOPS_AGE_KEY_FILE": key])
            let actual = try Shell.runBytes(try PackagePaths.builtProduct("stageset-agent"), ["decrypt", encrypted, "--keys", scratch.file("keys")])
            #expect(actual.status == 0, "\(String(decoding: actual.error, as: UTF8.self))")
            #expect(actual.output == expected.output, "\(name)")
        }
        // A changed (plain) value fails the MAC check, and no plaintext is printed.
        let partly = try scratch.write("partly.yaml", "kind: Secret\nstringData:\n    password: hunter2\n")
        let encrypted = try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient, "--encrypted-regex", "^stringData$", partly])
        let tampered = try scratch.write("tampered.yaml", encrypted.replacingOccurrences(of: "kind: Secret", with: "kind: Secrets"))
        #expect(tampered != partly && encrypted.contains("kind: Secret"))
        let refused = try agent(["decrypt", tampered, "--keys", key])
        #expect(refused.status == 1)
        #expect(refused.standardError.lowercased().contains("mac"))
        #expect(!refused.standardOutput.contains("hunter2") && !refused.standardError.contains("hunter2"))
        // Key files others can read are refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        #expect(try agent(["decrypt", scratch.file("enc-s.yaml"), "--keys", key]).standardError.contains("chmod 600"))
    }
}

@Suite struct HistoryAndRollbackCommandTests {
    @Test func historyListsEntriesAndRollbackRestoresAStoredRevision() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        try fixture.scratch.write("repository/clusters/edge/app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")
        let first = try fixture.commit("namespace")
        let config = try fixture.writeConfig(ref: "branch: main")
        let common = ["--config", config, "--state-dir", fixture.scratch.file("state"), "--secrets-dir", fixture.scratch.file("secrets"),
            "--runtime-dir", fixture.scratch.file("run")]
        #expect(try agent(["reconcile", "--once", "--kubeconfig", emulator.kubeconfigPath] + common).status == 0)
        try fixture.scratch.write("repository/clusters/edge/app/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  mode: two\n")
        let second = try fixture.commit("two")
        #expect(try agent(["reconcile", "--once", "--kubeconfig", emulator.kubeconfigPath] + common).status == 0)

        let history = try agent(["history"] + common)
        #expect(history.status == 0)
        #expect(history.standardOutput.contains("app  main@sha1:\(first)"))
        #expect(history.standardOutput.contains("main@sha1:\(second)") && history.standardOutput.contains("* last applied"))

        let rollback = try agent(["rollback", "--to", "main@sha1:\(first)", "--kubeconfig", emulator.kubeconfigPath] + common)
        #expect(rollback.status == 0, "\(rollback.standardError)")
        #expect(rollback.standardOutput.contains("rolled back by hand to main@sha1:\(first)"))
        let live = emulator.objectJSON(group: "", resource: "configmaps", namespace: "demo", name: "settings") ?? ""
        #expect(live.contains("\"mode\":\"one\"") || live.contains("\"mode\": \"one\""))
        let parked = try agent(["reconcile", "--once", "--kubeconfig", emulator.kubeconfigPath] + common)
        #expect(parked.status == 1 && parked.standardOutput.contains("parked"))
        #expect(try agent(["reconcile", "--once", "--force", "--kubeconfig", emulator.kubeconfigPath] + common).status == 0)
    }

    @Test func sigkillWhileWritingLeavesTheStoreAndStateReadable() throws {
        let fixture = try CommandLineFixture()
        let emulator = try KubeEmulator.start(.init(stateDirectory: fixture.scratch.file("emulator")))
        defer { emulator.stop() }
        // A large stage makes each rollback entry take a while to encrypt and write.
        try fixture.scratch.write("repository/clusters/edge/app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")
        for index in 0..<40 {
            try fixture.scratch.write("repository/clusters/edge/app/blob-\(index).yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blob-\(index)\n  namespace: demo\ndata:\n  padding: \"\(String(repeating: "p", count: 200_000))\"\n")
        }
        try fixture.commit("large")
        let config = try fixture.writeConfig(ref: "branch: main")
        let arguments = ["reconcile", "--once", "--config", config, "--state-dir", fixture.scratch.file("state"),
            "--kubeconfig", emulator.kubeconfigPath]
        let binary = try PackagePaths.builtProduct("stageset-agent")
        var generator = SeededGenerator(seed: 5)
        for round in 0..<6 {
            try fixture.scratch.write("repository/clusters/edge/app/round.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: round\n  namespace: demo\ndata:\n  round: \"\(round)\"\n")
            try fixture.commit("round \(round)")
            let process = try BackgroundProcess(binary, arguments)
            usleep(UInt32.random(in: 100_000...900_000, using: &generator))
            process.kill(signal: SIGKILL)
        }
        // Whatever was interrupted, every file that exists is whole, and the next run converges.
        let state = fixture.scratch.file("state/demo/edge")
        for file in ["status.json", "inventory.json", "rollback/index.json"] where FileManager.default.fileExists(atPath: state + "/" + file) {
            #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state + "/" + file)))) != nil, "\(file) is whole")
        }
        let identity = try RollbackIdentity.load(stateDirectory: fixture.scratch.file("state"), credentialsDirectory: nil)
        let store = RollbackStore(stateSetDirectory: state, identity: identity)
        for entry in try store.list() {
            #expect(throws: Never.self) { _ = try store.get(entry.id) }
        }
        let final = try agent(arguments)
        #expect(final.status == 0, "\(final.standardOutput) \(final.standardError)")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: state).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "interrupted writes are cleaned up: \(leftovers)")
    }
}
