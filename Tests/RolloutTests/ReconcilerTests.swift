import Foundation
import JSON
import KubeEmulator
import Store
import Testing
import TestSupport
@testable import Rollout

@Suite struct ReconcilerTests {
    @Test func appliesStagesInOrderAndReportsSucceeded() async throws {
        let fixture = try RolloutFixture()
        let commit = try fixture.git.commit([
            "stages/infra/ns.yaml": Manifests.namespace("demo"),
            "stages/infra/settings.yaml": Manifests.configMap("settings"),
            "stages/app/web.yaml": Manifests.deployment("web"),
        ])
        let outcome = try await fixture.reconcile(stagesSpec(["infra", "app"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(outcome.stages.map(\.name) == ["infra", "app"])
        #expect(outcome.stages[0].actions["created"] == 2)

        // Stage order: every infra write happens before the first app write.
        let writes = fixture.emulator.requestLog().filter { $0.method == "PATCH" }
        let firstApp = try #require(writes.firstIndex { $0.resource == "deployments" })
        #expect(writes[..<firstApp].map(\.resource).sorted() == ["configmaps", "namespaces"])
        #expect(writes.allSatisfy { $0.fieldManager == "stageset-agent" })

        let web = try #require(fixture.live("deployments", group: "apps", "web"))
        let labels = web["metadata"]?["labels"]?.objectValue
        #expect(labels?["stages.metio.wtf/name"] == "edge")
        #expect(labels?["stages.metio.wtf/namespace"] == "demo")
        #expect(labels?["stages.metio.wtf/stage"] == "app")

        let status = try #require(try fixture.status())
        #expect(status.ready?.status == .trueStatus)
        #expect(status.ready?.reason == "Succeeded")
        #expect(status.lastAttemptedRevisions["GitRepository/demo/config"] == "main@sha1:\(commit)")
        #expect(status.lastAppliedRevisions["GitRepository/demo/config"] == "main@sha1:\(commit)")
        #expect(status.stages.map(\.phase) == [.ready, .ready])
        let inventory = try #require(try fixture.inventory())
        #expect(inventory.stage("app")?.entries.map(\.id) == ["demo_web_apps_Deployment"])
        #expect(inventory.stage("infra")?.entries.map(\.id).sorted() == ["_demo__Namespace", "demo_settings__ConfigMap"])
    }

    @Test func defaultsTheNamespaceOfNamespacedObjectsOnly() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/app/a.yaml": Manifests.namespace("demo") + "---\n" + Manifests.configMap("no-namespace")
                + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: ignored\nrules: []\n",
        ])
        let outcome = try await fixture.reconcile(stagesSpec(["app"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(fixture.live("configmaps", "no-namespace") != nil)
        #expect(fixture.live("clusterroles", group: "rbac.authorization.k8s.io", namespace: "", "reader") != nil)
    }

    @Test func aCustomResourceDefinitionInOneStageServesItsResourcesInTheNext() async throws {
        let fixture = try RolloutFixture()
        fixture.emulator.setCRDEstablishDelay(seconds: 0.3)
        try fixture.git.commit([
            "stages/crds/widget.yaml": Manifests.widgetDefinition,
            "stages/widgets/ns.yaml": Manifests.namespace("demo"),
            "stages/widgets/w.yaml": Manifests.widget("first"),
        ])
        let outcome = try await fixture.reconcile(stagesSpec(["crds", "widgets"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(fixture.live("widgets", group: "example.com", "first") != nil)
    }

    @Test func aCustomResourceDefinitionAndItsResourcesInOneStage() async throws {
        let fixture = try RolloutFixture()
        fixture.emulator.setCRDEstablishDelay(seconds: 0.2)
        try fixture.git.commit(["stages/all/a.yaml": Manifests.widgetDefinition + "---\n" + Manifests.namespace("demo") + "---\n" + Manifests.widget("w")])
        let outcome = try await fixture.reconcile(stagesSpec(["all"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
    }

    @Test func waitsForReadinessBeforeTheNextStage() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/app/web.yaml": Manifests.namespace("demo") + "---\n" + Manifests.deployment("web", readiness: "ready-after=0.5s"),
            "stages/after/cm.yaml": Manifests.configMap("after"),
        ])
        let outcome = try await fixture.reconcile(stagesSpec(["app", "after"], extra: "timeout: 30s"))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        let log = fixture.emulator.requestLog()
        let lastDeploymentRead = try #require(log.lastIndex { $0.resource == "deployments" && $0.method == "GET" })
        let configMapWrite = try #require(log.firstIndex { $0.resource == "configmaps" && $0.method == "PATCH" })
        #expect(lastDeploymentRead < configMapWrite, "the next stage starts only after the deployment was seen ready")
    }

    @Test func aStageStillProgressingAtItsTimeoutHolds() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/app/web.yaml": Manifests.namespace("demo") + "---\n" + Manifests.deployment("web", readiness: "progressing"),
            "stages/after/cm.yaml": Manifests.configMap("after"),
        ])
        let outcome = try await fixture.reconcile(stagesSpec(["app", "after"], extra: "timeout: 1s"))
        #expect(outcome.reason == .stageProgressing)
        #expect(outcome.message.contains("stage app: still progressing after 1s"))
        #expect(outcome.message.contains("Deployment/demo/web"))
        #expect(fixture.live("configmaps", "after") == nil, "later stages are not applied")
        #expect(try fixture.status()?.stage("app")?.phase == .progressing)
    }

    @Test func onTimeoutRollbackTurnsAHoldIntoAFailure() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/web.yaml": Manifests.namespace("demo") + "---\n" + Manifests.deployment("web", readiness: "progressing")])
        let outcome = try await fixture.reconcile(stagesSpec(["app"], extra: "timeout: 1s\nonTimeout: Rollback"))
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains("not ready after 1s (onTimeout: Rollback)"))
    }

    @Test func aFailedObjectFailsTheStageAtOnce() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/web.yaml": Manifests.namespace("demo") + "---\n" + Manifests.deployment("web", readiness: "failed")])
        let outcome = try await fixture.reconcile(stagesSpec(["app"], extra: "timeout: 10m"))
        #expect(outcome.reason == .stageFailed)
        // The fail-fast path reports the failed object; the deadline path would say "not ready after 10m".
        #expect(outcome.message.contains("an object failed: Deployment/demo/web"))
        #expect(try fixture.status()?.ready?.reason == "StageFailed")
    }

    @Test func readyChecksWaitForObjectsTheStageDidNotApply() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit([
            "stages/app/cm.yaml": Manifests.namespace("demo") + "---\n" + Manifests.configMap("a"),
            "other/external.yaml": Manifests.deployment("external", readiness: "progressing"),
        ])
        let spec = stagesSpec(["app"], extra: "timeout: 1s", stageExtra: ["app": "readyChecks:\n  checks:\n    - {apiVersion: apps/v1, kind: Deployment, name: external}"])
        let missing = try await fixture.reconcile(spec)
        #expect(missing.reason == .stageProgressing)
        #expect(missing.message.contains("Deployment/demo/external: not found"))
    }

    @Test func disableWaitSkipsTheAppliedObjects() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/web.yaml": Manifests.namespace("demo") + "---\n" + Manifests.deployment("web", readiness: "progressing")])
        let outcome = try await fixture.reconcile(stagesSpec(["app"], extra: "timeout: 1s", stageExtra: ["app": "readyChecks: {disableWait: true}"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
    }

    @Test func suspendedStageSetsTouchNothing() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/cm.yaml": Manifests.namespace("demo")])
        let outcome = try await fixture.reconcile(stagesSpec(["app"], extra: "suspend: true"))
        #expect(outcome.reason == .suspended)
        #expect(fixture.emulator.requestLog().isEmpty)
        #expect(try fixture.status()?.ready?.reason == "Suspended")
    }

    @Test func unreachableAndMissingSourcesStopThePassBeforeTheCluster() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/cm.yaml": Manifests.namespace("demo")])
        let missing = await fixture.reconciler(try fixture.configuration(stagesSpec(["app"]), ref: "branch: nope")).reconcile()
        #expect(missing.reason == .artifactNotFound)
        #expect(missing.message.contains(#"branch "nope" not found"#))
        let port = try Network.freePort()
        var unreachable = try fixture.configuration(stagesSpec(["app"]))
        let key = unreachable.gitRepositories.keys.first!
        unreachable.gitRepositories[key]?.spec.url = "http://127.0.0.1:\(port)/repo.git"
        let outcome = await fixture.reconciler(unreachable).reconcile()
        #expect(outcome.reason == .sourceNotReady)
        #expect(fixture.emulator.requestLog().isEmpty, "nothing touched the cluster")
        #expect(try fixture.status()?.ready?.reason == "SourceNotReady")
    }

    @Test func aMissingPathFailsTheStage() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/cm.yaml": Manifests.namespace("demo")])
        let outcome = try await fixture.reconcile(stagesSpec(["app", "missing"]))
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains(#"stage missing: "#) && outcome.message.contains("does not exist"))
    }

    @Test func anUnreadableKubeconfigIsInvalidSpec() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/app/cm.yaml": Manifests.namespace("demo")])
        let configuration = try fixture.configuration(stagesSpec(["app"], extra: "kubeConfig:\n  path: \(fixture.scratch.file("no-such-kubeconfig"))"))
        var reconciler = fixture.reconciler(configuration)
        reconciler.connect = { stageSet in
            try ClusterSession.connect(kubeConfig: stageSet.spec.kubeConfig, defaultKubeconfig: nil, defaultContext: nil)
        }
        let outcome = await reconciler.reconcile()
        #expect(outcome.reason == .invalidSpec)
        #expect(outcome.message.contains("no-such-kubeconfig"))
    }

    @Test func twoStagesClaimingOneObjectIsInvalidSpec() async throws {
        let fixture = try RolloutFixture()
        try fixture.git.commit(["stages/a/cm.yaml": Manifests.namespace("demo") + "---\n" + Manifests.configMap("shared"), "stages/b/cm.yaml": Manifests.configMap("shared")])
        let outcome = try await fixture.reconcile(stagesSpec(["a", "b"]))
        #expect(outcome.reason == .invalidSpec)
        #expect(outcome.message.contains("ConfigMap/demo/shared is claimed by two stages: a and b"))
    }

    @Test func forbiddenObjectsAreRBACDeniedAndLaterStagesUntouched() async throws {
        let fixture = try RolloutFixture()
        fixture.emulator.addDenyRule(DenyRule(verb: "patch", group: "", resource: "secrets"))
        try fixture.git.commit([
            "stages/infra/ns.yaml": Manifests.namespace("demo"),
            "stages/secrets/s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  token: x\n",
            "stages/app/cm.yaml": Manifests.configMap("app"),
        ])
        let outcome = try await fixture.reconcile(stagesSpec(["infra", "secrets", "app"]))
        #expect(outcome.reason == .rbacDenied)
        #expect(outcome.message.contains("forbidden"))
        #expect(fixture.live("secrets", "token") == nil)
        #expect(fixture.live("configmaps", "app") == nil)
        #expect(try fixture.status()?.stage("secrets")?.phase == .failed)
    }

    @Test func transientServerErrorsAreRetried() async throws {
        let fixture = try RolloutFixture()
        fixture.emulator.addFault(.serviceUnavailable(method: "PATCH", pathPrefix: "/api/v1/namespaces/demo/configmaps", times: 2))
        fixture.emulator.addFault(.tooManyRequests(method: "PATCH", pathPrefix: "/api/v1/namespaces/demo/configmaps", times: 1, retryAfterSeconds: 0))
        try fixture.git.commit(["stages/app/a.yaml": Manifests.namespace("demo") + "---\n" + Manifests.configMap("settings")])
        let outcome = try await fixture.reconcile(stagesSpec(["app"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        #expect(fixture.live("configmaps", "settings") != nil)
    }

    @Test func persistentServerErrorsFailTheStageWithTheCause() async throws {
        let fixture = try RolloutFixture()
        fixture.emulator.addFault(.internalError(method: "PATCH", pathPrefix: "/api/v1/namespaces/demo/configmaps"))
        try fixture.git.commit(["stages/app/a.yaml": Manifests.namespace("demo") + "---\n" + Manifests.configMap("settings")])
        let outcome = try await fixture.reconcile(stagesSpec(["app"]))
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains("ConfigMap/demo/settings"))
    }

    @Test func aNoOpPassListsPerKindAndStillCorrectsDrift() async throws {
        let fixture = try RolloutFixture()
        var files = ["stages/app/ns.yaml": Manifests.namespace("demo")]
        for index in 0..<30 { files["stages/app/cm-\(index).yaml"] = Manifests.configMap("cm-\(index)", data: "v\(index)") }
        try fixture.git.commit(files)
        let spec = stagesSpec(["app"])
        #expect(try await fixture.reconcile(spec).reason == .succeeded)
        fixture.emulator.resetRequestLog()
        let noOp = try await fixture.reconcile(spec)
        #expect(noOp.reason == .succeeded)
        #expect(noOp.stages[0].actions["unchanged"] == 31)
        let writes = fixture.emulator.requestLog().filter { $0.method != "GET" }
        #expect(writes.isEmpty, "a no-op pass writes nothing: \(writes.map(\.path))")
        #expect(fixture.emulator.requestLog().filter { $0.resource == "configmaps" }.count <= 2, "one list per kind, not one request per object")

        // Someone edits an object by hand: the next pass puts it back.
        _ = try Shell.check("kubectl", ["--kubeconfig", fixture.emulator.kubeconfigPath, "-n", "demo", "patch", "configmap", "cm-7",
            "--type=merge", "-p", #"{"data":{"value":"tampered"}}"#])
        let healed = try await fixture.reconcile(spec)
        #expect(healed.stages[0].actions["configured"] == 1)
        #expect(fixture.live("configmaps", "cm-7")?["data"]?["value"] == "v7")
    }
}
