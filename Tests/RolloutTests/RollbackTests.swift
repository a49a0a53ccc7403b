import AgeCrypto
import Foundation
import JSON
import KubeEmulator
import StageSpec
import Store
import Testing
import TestSupport
@testable import Rollout

@Suite struct RollbackTests {
    let spec = stagesSpec(["infra", "app"], extra: "rollbackOnFailure: true\ntimeout: 2s")

    /// A good revision applied in two stages; returns its commit.
    func goodRevision(_ fixture: RolloutFixture) async throws -> String {
        let commit = try fixture.git.commit([
            "stages/infra/ns.yaml": Manifests.namespace("demo"),
            "stages/infra/settings.yaml": Manifests.configMap("settings", data: "good"),
            "stages/app/web.yaml": Manifests.deployment("web", selector: "one"),
        ])
        let outcome = try await fixture.reconcile(spec)
        try #require(outcome.reason == .succeeded, "\(outcome.message)")
        return commit
    }

    @Test func aStageFailingWithAnImmutableFieldRollsEveryStageBack() async throws {
        let fixture = try RolloutFixture()
        let good = try await goodRevision(fixture)
        let bad = try fixture.git.commit([
            "stages/infra/settings.yaml": Manifests.configMap("settings", data: "bad"),
            "stages/infra/extra.yaml": Manifests.configMap("added-by-bad"),
            "stages/app/web.yaml": Manifests.deployment("web", selector: "two"),
        ])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains("failed at main@sha1:\(bad)"))
        #expect(outcome.message.contains("rolled back to main@sha1:\(good)"))
        #expect(outcome.retry == .untilChange)
        #expect(fixture.live("configmaps", "settings")?["data"]?["value"] == "good", "stage infra restored")
        #expect(fixture.live("configmaps", "added-by-bad") == nil, "what the failed revision added is pruned")
        #expect(fixture.live("deployments", group: "apps", "web")?["spec"]?["selector"]?["matchLabels"]?["app"] == "one")
        let status = try #require(try fixture.status())
        #expect(status.parked?.revisions["GitRepository/demo/config"] == "main@sha1:\(bad)")
        #expect(status.ready?.reason == "StageFailed")
        #expect(try fixture.inventory()?.stage("infra")?.entries.map(\.id).contains("demo_added-by-bad__ConfigMap") == false)
    }

    @Test func aParkedRevisionIsNotAppliedAgainUntilANewCommitArrives() async throws {
        let fixture = try RolloutFixture()
        _ = try await goodRevision(fixture)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", selector: "two")])
        #expect(try await fixture.reconcile(spec).message.contains("rolled back"))
        fixture.emulator.resetRequestLog()
        for _ in 0..<3 {
            let parked = try await fixture.reconcile(spec)
            #expect(parked.reason == .stageFailed)
            #expect(parked.message.contains("parked since"))
        }
        #expect(fixture.emulator.requestLog().isEmpty, "parked passes send nothing to the cluster")
        // An operator may force it (it fails and rolls back again) …
        let forced = await fixture.reconciler(try fixture.configuration(spec)).reconcile(force: true)
        #expect(forced.message.contains("rolled back"))
        #expect(fixture.emulator.requestLog().contains { $0.method == "PATCH" })
        // … and a new commit releases it.
        let fixed = try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", image: "nginx:1.28", selector: "one")])
        let released = try await fixture.reconcile(spec)
        #expect(released.reason == .succeeded, "\(released.message)")
        #expect(try fixture.status()?.parked == nil)
        #expect(try fixture.status()?.lastAppliedRevisions["GitRepository/demo/config"] == "main@sha1:\(fixed)")
    }

    @Test func aReadinessFailureUnderOnTimeoutRollbackRollsBack() async throws {
        let fixture = try RolloutFixture()
        let good = try await goodRevision(fixture)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", image: "nginx:broken", readiness: "progressing", selector: "one")])
        let outcome = try await fixture.reconcile(spec + "onTimeout: Rollback\n")
        #expect(outcome.reason == .stageFailed, "\(outcome.message)")
        #expect(outcome.message.contains("rolled back to main@sha1:\(good)"))
        let image = fixture.live("deployments", group: "apps", "web")?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]
        #expect(image == "nginx:1.27")
    }

    @Test func aHoldIsNotRolledBack() async throws {
        let fixture = try RolloutFixture()
        _ = try await goodRevision(fixture)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", image: "nginx:slow", readiness: "progressing", selector: "one")])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .stageProgressing)
        #expect(try fixture.status()?.parked == nil)
    }

    @Test func aCorruptedEntryFailsClosed() async throws {
        let fixture = try RolloutFixture()
        _ = try await goodRevision(fixture)
        let store = RollbackStore(stateSetDirectory: fixture.state.directory, identity: fixture.rollbackIdentity)
        for entry in try store.list() {
            let path = store.directory + "/" + entry.id + ".age"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count - 20] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", selector: "two")])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .previousRevisionUnavailable)
        #expect(outcome.message.contains("rollback impossible"))
        #expect(try fixture.status()?.ready?.reason == "PreviousRevisionUnavailable")
    }

    @Test func changedBuildInputsFailClosed() async throws {
        let fixture = try RolloutFixture()
        _ = try await goodRevision(fixture)
        try fixture.git.commit(["stages/app2/web.yaml": Manifests.deployment("web", selector: "two")])
        let moved = stagesSpec(["infra", "app"], extra: "rollbackOnFailure: true\ntimeout: 2s").replacingOccurrences(of: "./stages/app\n", with: "./stages/app2\n")
        let outcome = try await fixture.reconcile(moved)
        #expect(outcome.reason == .previousRevisionUnavailable)
        #expect(outcome.message.contains("build inputs of stage app"))
    }

    @Test func aDeletedDecryptionKeyFailsClosedWithoutTouchingTheCluster() async throws {
        let fixture = try RolloutFixture()
        let keyFile = fixture.scratch.file("secrets/sops-age/age.agekey")
        try FileManager.default.createDirectory(atPath: fixture.scratch.file("secrets/sops-age"), withIntermediateDirectories: true)
        try Shell.check("age-keygen", ["-o", keyFile])
        let recipient = try Shell.check("age-keygen", ["-y", keyFile]).trimmingCharacters(in: .whitespacesAndNewlines)
        func encrypted(_ password: String) throws -> String {
            let plain = try fixture.scratch.write("plain/s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: \(password)\n")
            return try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient, "--encrypted-regex", "^(data|stringData)$", plain])
        }
        let withDecryption = "decryption: {provider: sops, secretRef: {name: sops-age}}\n" + spec
        try fixture.git.commit(["stages/infra/ns.yaml": Manifests.namespace("demo"), "stages/infra/db.yaml": try encrypted("first"),
            "stages/app/web.yaml": Manifests.deployment("web", selector: "one")])
        #expect(try await fixture.reconcile(withDecryption).reason == .succeeded)
        // The key is rotated away: the new revision cannot be decrypted, and neither can the snapshot.
        try FileManager.default.removeItem(atPath: keyFile)
        try Shell.check("age-keygen", ["-o", fixture.scratch.file("secrets/sops-age/new.agekey")])
        try fixture.git.commit(["stages/infra/db.yaml": try encrypted("second")])
        fixture.emulator.resetRequestLog()
        let outcome = try await fixture.reconcile(withDecryption)
        #expect(outcome.reason == .previousRevisionUnavailable)
        #expect(outcome.message.contains("decryption with the current keys failed"))
        #expect(fixture.emulator.requestLog().filter { $0.method != "GET" }.isEmpty, "no request that changes the cluster")
    }

    @Test func aRollbackNeedsNoGitWhenTheStoreHasTheEntries() async throws {
        let fixture = try RolloutFixture()
        // A git that goes offline after the failing pass has read its files.
        let offline = fixture.scratch.file("git-offline")
        let arm = fixture.scratch.file("git-arm")
        fixture.gitExecutable = try fixture.scratch.write("git-wrapper", """
            #!/bin/sh
            if [ -e \(offline) ]; then echo "fatal: unable to access: Could not resolve host" >&2; exit 128; fi
            git "$@"; status=$?
            if [ -e \(arm) ] && [ "$1" = "cat-file" ] && [ "$2" = "--batch" ]; then touch \(offline); fi
            exit $status
            """, mode: 0o755)
        let good = try await goodRevision(fixture)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", selector: "two")])
        FileManager.default.createFile(atPath: arm, contents: Data())
        let outcome = try await fixture.reconcile(spec)
        #expect(FileManager.default.fileExists(atPath: offline), "git was offline during the rollback")
        #expect(outcome.message.contains("rolled back to main@sha1:\(good)"), "\(outcome.message)")
    }

    @Test func retentionKeepsTheLastRevisionsPerStage() async throws {
        let fixture = try RolloutFixture()
        fixture.rollbackRetention = 3
        for index in 0..<5 {
            try fixture.git.commit(["stages/infra/ns.yaml": Manifests.namespace("demo"), "stages/infra/settings.yaml": Manifests.configMap("settings", data: "v\(index)"),
                "stages/app/web.yaml": Manifests.deployment("web", selector: "one")])
            #expect(try await fixture.reconcile(spec).reason == .succeeded)
        }
        let store = RollbackStore(stateSetDirectory: fixture.state.directory, identity: fixture.rollbackIdentity)
        let entries = try store.list()
        #expect(entries.filter { $0.stage == "infra" }.count == 3)
        #expect(entries.filter { $0.stage == "app" }.count == 3)
        let files = try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.hasSuffix(".age") }
        #expect(files.count == 6)
        // The last applied entries are always among the kept ones.
        for entry in try fixture.status()?.lastAppliedSnapshot ?? [] {
            #expect(entries.contains { $0.id == entry.entry })
        }
    }

    @Test func theRealAgeOpensAnEntryAndItHoldsNoPlaintext() async throws {
        let fixture = try RolloutFixture()
        let keyFile = fixture.scratch.file("secrets/sops-age/age.agekey")
        try FileManager.default.createDirectory(atPath: fixture.scratch.file("secrets/sops-age"), withIntermediateDirectories: true)
        try Shell.check("age-keygen", ["-o", keyFile])
        let recipient = try Shell.check("age-keygen", ["-y", keyFile]).trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = try fixture.scratch.write("plain/s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: plaintext-marker-7731\n")
        let encrypted = try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient, "--encrypted-regex", "^(data|stringData)$", plain])
        try FileManager.default.removeItem(atPath: plain)
        try fixture.git.commit(["stages/infra/ns.yaml": Manifests.namespace("demo"), "stages/infra/db.yaml": encrypted,
            "stages/app/web.yaml": Manifests.deployment("web")])
        #expect(try await fixture.reconcile("decryption: {provider: sops, secretRef: {name: sops-age}}\n" + spec).reason == .succeeded)
        let store = RollbackStore(stateSetDirectory: fixture.state.directory, identity: fixture.rollbackIdentity)
        let infra = try #require(try store.list().first { $0.stage == "infra" })
        let opened = try Shell.check("age", ["-d", "-i", fixture.scratch.file("state/rollback-store.agekey"), store.directory + "/" + infra.id + ".age"])
        #expect(opened.contains("\"revision\":\"main@sha1:"))
        #expect(opened.contains("stages\\/infra\\/db.yaml") || opened.contains("stages/infra/db.yaml"))
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.scratch.file("state/rollback-store.agekey"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Nothing in the state directory (store entries, status, inventory, Git cache) holds the plaintext.
        let state = fixture.scratch.file("state")
        for relative in try FileManager.default.subpathsOfDirectory(atPath: state) {
            guard let data = FileManager.default.contents(atPath: state + "/" + relative) else { continue }
            #expect(data.range(of: Data("plaintext-marker-7731".utf8)) == nil, "plaintext in \(relative)")
        }
        // Opened entries hold the SOPS ciphertext, not the decrypted value.
        #expect(!opened.contains("plaintext-marker-7731"))
    }

    @Test func aManualRollbackRestoresAStoredRevisionAndParksTheCurrentOne() async throws {
        let fixture = try RolloutFixture()
        let first = try await goodRevision(fixture)
        try fixture.git.commit(["stages/infra/settings.yaml": Manifests.configMap("settings", data: "newer")])
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        #expect(fixture.live("configmaps", "settings")?["data"]?["value"] == "newer")
        let outcome = await fixture.reconciler(try fixture.configuration(spec)).rollBack(to: "main@sha1:\(first)")
        #expect(outcome.message.contains("rolled back by hand to main@sha1:\(first)"), "\(outcome.message)")
        #expect(fixture.live("configmaps", "settings")?["data"]?["value"] == "good")
        #expect(try await fixture.reconcile(spec).message.contains("parked"))
        let missing = await fixture.reconciler(try fixture.configuration(spec)).rollBack(to: "main@sha1:0000")
        #expect(missing.reason == .previousRevisionUnavailable)
    }
}
