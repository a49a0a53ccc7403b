import Foundation
import Fetch
import JSON
import StageSpec
import Testing
import TestSupport
@testable import Build

/// The directory holding the real kubectl (kustomize is not required: `kubectl kustomize` is the
/// fallback), or a failure naming the missing tool.
func kubectlDirectory() throws -> String {
    (try Shell.locate("kubectl") as NSString).deletingLastPathComponent
}

/// A fake `kustomize` that records each call, the modes of the private build directory, then
/// hands over to the real `kubectl kustomize` (or fails, when `fails` is set).
struct RecordingKustomize {
    let scratch: ScratchDirectory
    var binDirectory: String { scratch.file("bin") }
    var callLog: String { scratch.file("calls.log") }
    var modeLog: String { scratch.file("modes.log") }
    var temporaryParent: String { scratch.file("tmp") }

    init(fails: Bool = false) throws {
        scratch = try ScratchDirectory("kustomize")
        let kubectl = try Shell.locate("kubectl")
        try FileManager.default.createDirectory(atPath: scratch.file("tmp"), withIntermediateDirectories: true)
        // HOME is the private build directory (the builder sets it); PATH is empty, so absolute paths only.
        let script = """
            #!/bin/sh
            echo "$@" >> \(callLog)
            /usr/bin/stat -c 'workspace %a' "$HOME" >> \(modeLog)
            /usr/bin/find "$HOME" -mindepth 1 -type d -printf 'directory %m %P\\n' >> \(modeLog)
            /usr/bin/find "$HOME" -type f -printf 'file %m %P\\n' >> \(modeLog)
            \(fails ? "echo 'Error: accumulating resources: simulated failure in '\"$HOME\"'/source/app' >&2; exit 3" : "")
            shift
            exec \(kubectl) kustomize "$@"
            """
        try scratch.write("bin/kustomize", script, mode: 0o755)
    }

    func calls() -> [String] {
        ((try? String(contentsOfFile: callLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func modes() -> [String] {
        ((try? String(contentsOfFile: modeLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    var options: BuildOptions { BuildOptions(searchPath: binDirectory, temporaryParent: temporaryParent) }

    func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: temporaryParent) }
}

func kustomize(_ entries: [String: String], path: String, patches: [KustomizePatch] = [], options: BuildOptions? = nil) async throws
    -> [ManifestObject]
{
    let options = try options ?? BuildOptions(searchPath: kubectlDirectory())
    return try await StageBuilder.build(
        files: files(entries), path: path, stageSetName: "payments", stageSetNamespace: "prod", stage: "app", patches: patches,
        options: options)
}

let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: 1
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - {name: web, image: "nginx:1.25"}
    """

let service = """
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{port: 80}]
    """

func decodedData(_ object: ManifestObject, _ key: String) -> String? {
    guard let encoded = object.value["data"]?[key]?.stringValue, let data = Data(base64Encoded: encoded) else { return nil }
    return String(decoding: data, as: UTF8.self)
}

@Suite struct KustomizeBuilderTests {
    @Test func buildsAnOverlayWithABaseInASiblingDirectory() async throws {
        let objects = try await kustomize([
            "base/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
            "base/deployment.yaml": deployment,
            "base/service.yaml": service,
            "overlays/prod/kustomization.yaml": """
                resources: [../../base]
                namePrefix: prod-
                namespace: shop
                labels: [{pairs: {env: prod}}]
                """,
        ], path: "./overlays/prod")
        #expect(objects.map(\.displayName).sorted() == ["Deployment/shop/prod-web", "Service/shop/prod-web"])
        #expect(objects.allSatisfy { $0.label("env") == "prod" && $0.label(OwnerLabels.stage) == "app" })
        #expect(objects.allSatisfy { $0.file == "./overlays/prod (kustomize build)" })
        #expect(StageBuilder.mode(files: files(["overlays/prod/kustomization.yaml": ""]), path: "overlays/prod") == .kustomize)
    }

    @Test func generatesSecretsFromAnEnvFileAndAFilesEntry() async throws {
        let objects = try await kustomize([
            "app/kustomization.yaml": """
                secretGenerator:
                  - name: database
                    envs: [database.env]
                  - name: tls
                    files: [tls.key, ca=certs/ca.pem]
                """,
            "app/database.env": "USER=payments\nPASSWORD=s3cret value\n",
            "app/tls.key": "private key bytes",
            "app/certs/ca.pem": "ca bytes",
        ], path: "./app")
        let database = try #require(objects.first { $0.name.hasPrefix("database-") })
        #expect(database.kind == "Secret")
        #expect(decodedData(database, "USER") == "payments")
        #expect(decodedData(database, "PASSWORD") == "s3cret value")
        let tls = try #require(objects.first { $0.name.hasPrefix("tls-") })
        #expect(decodedData(tls, "tls.key") == "private key bytes")
        #expect(decodedData(tls, "ca") == "ca bytes")
    }

    @Test func appliesStrategicMergeAndJSON6902PatchesThroughAnOverlay() async throws {
        let patches = [
            // Strategic merge without a target: the patch names its object (by the base name, before namePrefix).
            KustomizePatch(patch: """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 3}
                """),
            // Strategic merge with a target: any name works, the selector picks the objects.
            KustomizePatch(patch: """
                apiVersion: v1
                kind: Service
                metadata: {name: not-used, annotations: {patched: strategic}}
                """, target: PatchSelector(kind: "Service", labelSelector: "tier=front")),
            // JSON6902 with a target.
            KustomizePatch(patch: #"[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.27"}]"#,
                target: PatchSelector(group: "apps", version: "v1", kind: "Deployment", name: "prod-web")),
        ]
        let objects = try await kustomize([
            "app/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\nnamePrefix: prod-\n",
            "app/deployment.yaml": deployment,
            "app/service.yaml": service.replacingOccurrences(of: "metadata: {name: web}", with: "metadata: {name: web, labels: {tier: front}}"),
        ], path: "./app", patches: patches)
        let web = try #require(objects.first { $0.kind == "Deployment" })
        #expect(web.name == "prod-web")
        #expect(web.value["spec"]?["replicas"] == 3)
        #expect(web.value["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"] == "nginx:1.27")
        let front = try #require(objects.first { $0.kind == "Service" })
        #expect(front.annotation("patched") == "strategic")
    }

    @Test func patchesAPlainStageThroughAGeneratedKustomization() async throws {
        let entries = [
            "app/deployment.yaml": deployment,
            "app/more/service.yml": service,
            "app/config.json": #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}"#,
            "app/notes.txt": "not a manifest",
        ]
        #expect(StageBuilder.mode(files: files(entries), path: "./app") == .plain)
        let patches = [KustomizePatch(patch: "- {op: add, path: /metadata/annotations, value: {patched: json6902}}",
            target: PatchSelector(kind: "ConfigMap|Service"))]
        #expect(StageBuilder.mode(files: files(entries), path: "./app", patches: patches) == .kustomize)
        let objects = try await kustomize(entries, path: "./app", patches: patches)
        #expect(objects.map(\.displayName).sorted() == ["ConfigMap/settings", "Deployment/web", "Service/web"])
        #expect(objects.filter { $0.annotation("patched") == "json6902" }.map(\.kind).sorted() == ["ConfigMap", "Service"])
    }

    @Test func patchesJaaSOutput() async throws {
        let rendered = #"{"web": {"deployment": \#(try yamlToJSON(deployment))}}"#
        let objects = try await StageBuilder.build(
            files: FileMap(["rendered.json": Array(rendered.utf8)]), path: "./", stageSetName: "payments", stageSetNamespace: "prod",
            stage: "app", patches: [KustomizePatch(patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5}\n")],
            options: BuildOptions(searchPath: try kubectlDirectory()))
        #expect(objects.map(\.displayName) == ["Deployment/web"])
        #expect(objects.first?.value["spec"]?["replicas"] == 5)
    }

    @Test func listsSubdirectoriesWithAKustomizationAsFluxDoes() async throws {
        let entries = [
            "app/service.yaml": service,
            "app/web/kustomization.yaml": "resources: [deployment.yaml]\nnamePrefix: kz-\n",
            "app/web/deployment.yaml": deployment,
        ]
        #expect(StageBuilder.mode(files: files(entries), path: "./app") == .kustomize)
        #expect(KustomizeBuilder.resourceListing(files(entries).subtree("app")).resources == ["service.yaml", "web"])
        let objects = try await kustomize(entries, path: "./app")
        #expect(objects.map(\.displayName).sorted() == ["Deployment/kz-web", "Service/web"])
    }

    @Test func refusesRemoteResourcesBeforeKustomizeRuns() async throws {
        let recorder = try RecordingKustomize()
        let entries = [
            "app/kustomization.yaml": """
                resources:
                  - deployment.yaml
                  - ../shared
                  - https://deploy:t0ken@git.example.com/org/repo//base?ref=v1
                components:
                  - github.com/org/components/logging?ref=main
                """,
            "app/deployment.yaml": deployment,
            "shared/kustomization.yaml": """
                bases: [git::https://example.com/org/repo.git//base]
                resources: [git@github.com:org/repo.git/base, gitlab.com/org/repo/base, local, ../../outside, /etc/kubernetes]
                configMapGenerator: [{name: c, files: [remote=https://example.com/file.txt]}]
                """,
            "shared/local/kustomization.yaml": "resources: [https://example.com/deep.yaml]\n",
        ]
        await #expect {
            _ = try await kustomize(entries, path: "./app", options: recorder.options)
        } throws: { error in
            guard let error = error as? BuildError, error.code == .remoteResource else { return false }
            let expected = [
                #"app/kustomization.yaml: resources[2]: remote URL "https://***@git.example.com/org/repo//base?ref=v1" refused"#,
                #"app/kustomization.yaml: components[0]: remote GitHub repository "github.com/org/components/logging?ref=main" refused"#,
                #"shared/kustomization.yaml: resources[0]: remote SSH Git reference "git@github.com:org/repo.git/base" refused"#,
                #"shared/kustomization.yaml: resources[1]: reference that is not in the source and looks like a remote repository (host/org/repo) "gitlab.com/org/repo/base" refused"#,
                #"shared/kustomization.yaml: resources[3]: "../../outside" refused: it climbs above the source root"#,
                #"shared/kustomization.yaml: resources[4]: absolute path "/etc/kubernetes" refused: it leaves the source"#,
                #"shared/kustomization.yaml: bases[0]: remote URL "git::https://example.com/org/repo.git//base" refused"#,
                #"shared/kustomization.yaml: configMapGenerator[0].files[0]: remote URL "remote=https://example.com/file.txt" refused"#,
                #"shared/local/kustomization.yaml: resources[0]: remote URL "https://example.com/deep.yaml" refused"#,
            ]
            let lines = error.message.split(separator: "\n").map(String.init)
            return lines.count == expected.count && zip(lines, expected).allSatisfy { $0.hasPrefix($1) } && !error.message.contains("t0ken")
        }
        #expect(recorder.calls().isEmpty, "kustomize must not run when a remote resource is refused")
        #expect(try recorder.leftovers().isEmpty)
    }

    @Test func runsInAPrivateDirectoryThatIsRemovedAfterwards() async throws {
        let recorder = try RecordingKustomize()
        let objects = try await kustomize([
            "app/kustomization.yaml": "resources: [deployment.yaml]\n",
            "app/deployment.yaml": deployment,
            "other/secret.env": "TOKEN=x\n",
        ], path: "./app", options: recorder.options)
        #expect(objects.map(\.name) == ["web"])
        let calls = recorder.calls()
        #expect(calls.count == 1)
        #expect(calls.first?.hasPrefix("build --load-restrictor LoadRestrictionsRootOnly \(recorder.temporaryParent)/stageset-build.") == true)
        let modes = recorder.modes()
        #expect(modes.contains("workspace 700"))
        #expect(modes.contains("directory 700 source/app"))
        #expect(modes.contains("file 600 source/other/secret.env"))
        #expect(modes.filter { $0.hasPrefix("directory ") }.allSatisfy { $0.hasPrefix("directory 700 ") })
        #expect(modes.filter { $0.hasPrefix("file ") }.allSatisfy { $0.hasPrefix("file 600 ") })
        #expect(try recorder.leftovers().isEmpty)
    }

    @Test func surfacesKustomizeErrorsAndCleansUpAfterAFailure() async throws {
        let recorder = try RecordingKustomize(fails: true)
        await expectBuildError(.kustomizeFailed, "kustomize build ./app failed (exit code 3): accumulating resources: simulated failure in app") {
            _ = try await kustomize(["app/kustomization.yaml": "resources: []\n"], path: "./app", options: recorder.options)
        }
        #expect(recorder.calls().count == 1)
        #expect(try recorder.leftovers().isEmpty)

        // The real kubectl's own complaint, with the private directory replaced by source paths.
        await #expect {
            _ = try await kustomize(["app/kustomization.yaml": "resources: [missing.yaml]\n"], path: "./app")
        } throws: { error in
            guard let error = error as? BuildError, error.code == .kustomizeFailed else { return false }
            return error.message.hasPrefix("kubectl kustomize ./app failed (exit code 1): ") && error.message.contains("missing.yaml")
                && !error.message.contains("stageset-build.")
        }
    }

    @Test func aMissingKustomizeIsAClearErrorForTheStage() async throws {
        let empty = try ScratchDirectory("no-tools")
        await expectBuildError(.kustomizeMissing,
            "cannot build ./app: app/kustomization.yaml is a kustomization, and neither kustomize nor kubectl is in the search path (\(empty.directory)); install kustomize or kubectl on the host")
        {
            _ = try await kustomize(["app/kustomization.yaml": "resources: []\n"], path: "./app", options: BuildOptions(searchPath: empty.directory))
        }
        await expectBuildError(.kustomizeMissing,
            "cannot build ./app: the stage has patches, which kustomize applies, and neither kustomize nor kubectl is in the search path (\(empty.directory)); install kustomize or kubectl on the host")
        {
            _ = try await kustomize(["app/a.yaml": service], path: "./app",
                patches: [KustomizePatch(patch: "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")],
                options: BuildOptions(searchPath: empty.directory))
        }
        // A plain stage does not need kustomize at all.
        #expect(try await kustomize(["app/a.yaml": service], path: "./app", options: BuildOptions(searchPath: empty.directory)).count == 1)
    }

    @Test func prefersKustomizeOverKubectl() throws {
        let recorder = try RecordingKustomize()
        let kubectl = try kubectlDirectory()
        #expect(KustomizeExecutable.locate(searchPath: "\(kubectl):\(recorder.binDirectory)")?.flavor == .kustomize)
        #expect(KustomizeExecutable.locate(searchPath: kubectl)?.path == kubectl + "/kubectl")
        #expect(KustomizeExecutable.locate(searchPath: kubectl)?.arguments(building: "/d") == [
            "kustomize", "--load-restrictor", "LoadRestrictionsRootOnly", "/d",
        ])
    }
}

/// A YAML manifest as JSON text, read with the project's own YAML parser.
func yamlToJSON(_ yaml: String) throws -> String {
    let objects = try ManifestReader.objects(in: Array(yaml.utf8), file: "x.yaml")
    return JSONValue.object(try #require(objects.first).value).jsonText
}
