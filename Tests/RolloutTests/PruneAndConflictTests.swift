import Foundation
import JSON
import KubeEmulator
import Store
import Testing
import TestSupport
@testable import Rollout

@Suite struct PruneTests {
    @Test func prunesWhatLeftTheStageAndKeepsWhatMovedToAnotherStage() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/infra/ns.yaml": Manifests.namespace("demo"),
            "stages/infra/moving.yaml": Manifests.configMap("moving"),
            "stages/app/old.yaml": Manifests.configMap("old"),
            "stages/app/kept.yaml": Manifests.configMap("kept"),
        ])
        let spec = stagesSpec(["infra", "app"])
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        let movingUID = fixture.live("configmaps", "moving")?["metadata"]?["uid"]
        try fixture.git.commit(["stages/app/moving.yaml": Manifests.configMap("moving")], removing: ["stages/infra/moving.yaml", "stages/app/old.yaml"])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(outcome.pruned == ["ConfigMap/demo/old"])
        #expect(fixture.live("configmaps", "old") == nil)
        #expect(fixture.live("configmaps", "moving")?["metadata"]?["uid"] == movingUID, "a moved object is never deleted")
        #expect(fixture.live("configmaps", "moving")?["metadata"]?["labels"]?["stages.metio.wtf/stage"] == "app")
        #expect(try fixture.inventory()?.stage("infra")?.entries.map(\.id) == ["_demo__Namespace"])
    }

    @Test func honoursPruneOptOutAnnotationsAndOtherOwners() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/app/ns.yaml": Manifests.namespace("demo"),
            "stages/app/keep-me.yaml": Manifests.configMap("keep-me", annotations: ["stages.metio.wtf/prune": "disabled"]),
            "stages/app/flux-keep.yaml": Manifests.configMap("flux-keep", annotations: ["kustomize.toolkit.fluxcd.io/prune": "Disabled"]),
            "stages/app/adopted.yaml": Manifests.configMap("adopted"),
            "stages/app/gone.yaml": Manifests.configMap("gone"),
        ])
        let spec = stagesSpec(["app"])
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        // Another owner adopts one object by relabelling it.
        _ = try Shell.check("kubectl", ["--kubeconfig", fixture.emulator.kubeconfigPath, "-n", "demo", "label", "configmap", "adopted",
            "--overwrite", "stages.metio.wtf/name=someone-else"])
        try fixture.git.commit([:], removing: ["stages/app/keep-me.yaml", "stages/app/flux-keep.yaml", "stages/app/adopted.yaml", "stages/app/gone.yaml"])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(outcome.pruned == ["ConfigMap/demo/gone"])
        #expect(fixture.live("configmaps", "keep-me") != nil)
        #expect(fixture.live("configmaps", "flux-keep") != nil)
        #expect(fixture.live("configmaps", "adopted") != nil)
    }

    @Test func prunesARemovedStageButNotAStageWithPruneFalse() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/infra/ns.yaml": Manifests.namespace("demo"),
            "stages/extra/cm.yaml": Manifests.configMap("extra"),
            "stages/keep/cm.yaml": Manifests.configMap("keep"),
        ])
        #expect(try await fixture.reconcile(stagesSpec(["infra", "extra", "keep"], stageExtra: ["keep": "prune: false"])).reason == .succeeded)
        try fixture.git.commit([:], removing: ["stages/keep/cm.yaml"])
        try fixture.git.commit(["stages/keep/other.yaml": Manifests.configMap("keep-2")])
        let outcome = try await fixture.reconcile(stagesSpec(["infra", "keep"], stageExtra: ["keep": "prune: false"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(outcome.pruned == ["ConfigMap/demo/extra"])
        #expect(fixture.live("configmaps", "keep") != nil, "prune: false keeps the stage's objects")
        #expect(try fixture.inventory()?.stage("extra") == nil)
    }

    @Test func nothingIsPrunedAfterAFailedPass() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"), "stages/app/old.yaml": Manifests.configMap("old")])
        #expect(try await fixture.reconcile(stagesSpec(["app"], extra: "timeout: 1s")).reason == .succeeded)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", readiness: "failed")], removing: ["stages/app/old.yaml"])
        let failed = try await fixture.reconcile(stagesSpec(["app"], extra: "timeout: 1s"))
        #expect(failed.reason == .stageFailed)
        #expect(fixture.live("configmaps", "old") != nil)
        let recorded = try #require(try fixture.inventory()?.stage("app")?.entries.map(\.id))
        #expect(recorded.contains("demo_old__ConfigMap") && recorded.contains("demo_web_apps_Deployment"), "write-ahead keeps old and new entries")
    }

    @Test func aLostInventoryIsRebuiltFromLabelsAndPruneWaits() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"), "stages/app/old.yaml": Manifests.configMap("old")])
        #expect(try await fixture.reconcile(stagesSpec(["app"])).reason == .succeeded)
        try FileManager.default.removeItem(atPath: fixture.state.inventoryPath)
        try fixture.git.commit([:], removing: ["stages/app/old.yaml"])
        let rebuilt = try await fixture.reconcile(stagesSpec(["app"]))
        #expect(rebuilt.reason == .succeeded)
        #expect(rebuilt.pruned.isEmpty, "prune is deferred for the pass that rebuilt the inventory")
        #expect(fixture.live("configmaps", "old") != nil)
        #expect(try fixture.inventory()?.stage("app")?.entries.map(\.id).contains("demo_old__ConfigMap") == true)
        let next = try await fixture.reconcile(stagesSpec(["app"]))
        #expect(next.pruned == ["ConfigMap/demo/old"])
    }

    @Test func aCorruptedInventoryStopsThePassInsteadOfPruningBlindly() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo")])
        #expect(try await fixture.reconcile(stagesSpec(["app"])).reason == .succeeded)
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: fixture.state.inventoryPath))
        fixture.emulator.resetRequestLog()
        let outcome = try await fixture.reconcile(stagesSpec(["app"]))
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains("inventory"))
        #expect(fixture.emulator.requestLog().filter { $0.method != "GET" }.isEmpty)
    }
}

@Suite struct ConflictPolicyTests {
    func immutableChange(_ fixture: RolloutFixture, extra: [String: String] = [:]) throws -> String {
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"), "stages/app/web.yaml": Manifests.deployment("web", selector: "one")])
        return stagesSpec(["app"], stageExtra: extra)
    }

    @Test func failIsTheDefault() async throws {
        let fixture = try RolloutFixture()
        let spec = try immutableChange(fixture)
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", selector: "two")])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains("conflict policy Fail"))
        #expect(fixture.live("deployments", group: "apps", "web")?["spec"]?["selector"]?["matchLabels"]?["app"] == "one")
    }

    @Test func recreateDeletesAndAppliesAgain() async throws {
        let fixture = try RolloutFixture()
        let spec = try immutableChange(fixture, extra: ["app": "force: true"])
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        let oldUID = fixture.live("deployments", group: "apps", "web")?["metadata"]?["uid"]
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", selector: "two")])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(outcome.stages[0].actions["recreated"] == 1)
        let web = fixture.live("deployments", group: "apps", "web")
        #expect(web?["spec"]?["selector"]?["matchLabels"]?["app"] == "two")
        #expect(web?["metadata"]?["uid"] != oldUID)
    }

    @Test func keepExistingLeavesTheLiveObject() async throws {
        let fixture = try RolloutFixture()
        let spec = try immutableChange(fixture, extra: ["app": "conflictPolicy: {default: KeepExisting}"])
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        try fixture.git.commit(["stages/app/web.yaml": Manifests.deployment("web", selector: "two")])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(fixture.live("deployments", group: "apps", "web")?["spec"]?["selector"]?["matchLabels"]?["app"] == "one")
    }

    @Test func fluxForceAnnotationRecreatesDespiteFail() async throws {
        let fixture = try RolloutFixture()
        let spec = try immutableChange(fixture)
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        let annotated = Manifests.deployment("web", selector: "two").replacingOccurrences(of: "  name: web\n", with: "  name: web\n  annotations:\n    kustomize.toolkit.fluxcd.io/force: enabled\n")
        try fixture.git.commit(["stages/app/web.yaml": annotated])
        let outcome = try await fixture.reconcile(spec)
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(fixture.live("deployments", group: "apps", "web")?["spec"]?["selector"]?["matchLabels"]?["app"] == "two")
    }

    func claim(_ size: String, storageClass: String) -> String {
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: \(storageClass)
          resources:
            requests:
              storage: \(size)

        """
    }

    @Test func recreatingAVolumeClaimByRuleNeedsAllowDataLoss() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"), "stages/app/pvc.yaml": claim("1Gi", storageClass: "fast")])
        let rule = "conflictPolicy:\n  rules:\n    - target: {kind: PersistentVolumeClaim}\n      action: Recreate"
        #expect(try await fixture.reconcile(stagesSpec(["app"], stageExtra: ["app": rule])).reason == .succeeded)
        try fixture.git.commit(["stages/app/pvc.yaml": claim("1Gi", storageClass: "slow")])
        let refused = try await fixture.reconcile(stagesSpec(["app"], stageExtra: ["app": rule]))
        #expect(refused.reason == .stageFailed)
        #expect(refused.message.contains("allowDataLoss"))
        let allowed = try await fixture.reconcile(stagesSpec(["app"], stageExtra: ["app": rule + "\n      allowDataLoss: true"]))
        #expect(allowed.reason == .succeeded, "\(allowed.message)")
        #expect(fixture.live("persistentvolumeclaims", "data")?["spec"]?["storageClassName"] == "slow")
    }
}

@Suite struct FluxAnnotationTests {
    @Test func ifNotPresentCreatesOnceAndNeverUpdates() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"),
            "stages/app/seed.yaml": Manifests.configMap("seed", data: "first", annotations: ["kustomize.toolkit.fluxcd.io/ssa": "IfNotPresent"])])
        #expect(try await fixture.reconcile(stagesSpec(["app"])).reason == .succeeded)
        #expect(fixture.live("configmaps", "seed")?["data"]?["value"] == "first")
        try fixture.git.commit(["stages/app/seed.yaml": Manifests.configMap("seed", data: "second", annotations: ["kustomize.toolkit.fluxcd.io/ssa": "IfNotPresent"])])
        #expect(try await fixture.reconcile(stagesSpec(["app"])).reason == .succeeded)
        #expect(fixture.live("configmaps", "seed")?["data"]?["value"] == "first")
    }

    @Test func ignoredObjectsAreNeitherAppliedNorRecorded() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"),
            "stages/app/skip.yaml": Manifests.configMap("skip", annotations: ["kustomize.toolkit.fluxcd.io/ssa": "Ignore"])])
        #expect(try await fixture.reconcile(stagesSpec(["app"])).reason == .succeeded)
        #expect(fixture.live("configmaps", "skip") == nil)
        #expect(try fixture.inventory()?.stage("app")?.entries.map(\.id) == ["_demo__Namespace"])
    }
}
