import Fetch
import JSON
import Testing
import TestSupport
@testable import Build

func extract(_ json: String) throws -> [ManifestObject] {
    try JsonnetOutputExtractor.objects(in: Array(json.utf8), file: "rendered.json")
}

func configMap(_ name: String) -> String {
    #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "\#(name)"}}"#
}

func expectExtractionError(_ code: BuildError.Code, _ message: String, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(sourceLocation: sourceLocation) {
        _ = try extract(json)
    } throws: { error in
        guard let error = error as? BuildError else { return false }
        return error.code == code && error.message == message
    }
}

@Suite struct JsonnetOutputExtractorTests {
    @Test func acceptsOneObject() throws {
        let objects = try extract(configMap("one"))
        #expect(objects.map(\.name) == ["one"])
        #expect(objects.map(\.file) == ["rendered.json"])
    }

    @Test func acceptsAnArrayInOrder() throws {
        #expect(try extract("[\(configMap("b")), \(configMap("a")), null, []]").map(\.name) == ["b", "a"])
    }

    @Test func acceptsAListAndNestedLists() throws {
        let list = #"{"apiVersion": "v1", "kind": "List", "items": [\#(configMap("x")), {"apiVersion": "v1", "kind": "ConfigMapList", "items": [\#(configMap("y"))]}]}"#
        #expect(try extract(list).map(\.name) == ["x", "y"])
    }

    @Test func walksTankaStyleTreesInSortedKeyOrder() throws {
        let tree = """
            {
              "zeta": {"deployment": \(configMap("z-deploy")), "service": \(configMap("z-service"))},
              "alpha": [\(configMap("a0")), {"nested": {"deeper": \(configMap("a1"))}}],
              "disabled": null,
              "middle": {"b": \(configMap("m-b")), "a": \(configMap("m-a"))}
            }
            """
        #expect(try extract(tree).map(\.name) == ["a0", "a1", "m-a", "m-b", "z-deploy", "z-service"])
    }

    @Test func extractsWhatTheRealJsonnetProducesForATankaEnvironment() throws {
        let program = """
            local deployment(name) = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: name } };
            {
              prometheus: { deployment: deployment('prometheus'), service: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus' } } },
              grafana: { deployment: deployment('grafana'), dashboards: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboard-' + i } } for i in std.range(1, 2)] },
              optional: if false then deployment('off') else null,
            }
            """
        let output = try runTool("jsonnet", ["-e", program])
        let objects = try JsonnetOutputExtractor.objects(in: output, file: "rendered.json")
        #expect(objects.map(\.displayName) == [
            "ConfigMap/dashboard-1", "ConfigMap/dashboard-2", "Deployment/grafana", "Deployment/prometheus", "Service/prometheus",
        ])
    }

    @Test func namesThePathOfAnythingThatIsNotAnObjectOrContainer() {
        expectExtractionError(.invalidObject, "rendered.json: .app.config.replicas: expected a Kubernetes object or a container of objects, found number",
            #"{"app": {"config": {"replicas": 3}, "deployment": \#(configMap("d"))}}"#)
        expectExtractionError(.invalidObject, #"rendered.json: .apps[1]["my-app"]: expected a Kubernetes object or a container of objects, found string"#,
            #"{"apps": [\#(configMap("a")), {"my-app": "oops"}]}"#)
        expectExtractionError(.invalidObject, "rendered.json: .: expected a Kubernetes object or a container of objects, found boolean", "true")
        expectExtractionError(.invalidObject, "rendered.json: .items[1]: expected a Kubernetes object in the list, found number",
            #"{"apiVersion": "v1", "kind": "List", "items": [\#(configMap("a")), 7]}"#)
        expectExtractionError(.invalidObject,
            "rendered.json: .web: has kind but is not a Kubernetes object: apiVersion and kind must both be non-empty strings",
            #"{"web": {"kind": "Deployment", "metadata": {"name": "w"}}}"#)
        expectExtractionError(.invalidObject, "rendered.json: .web: Deployment has no metadata.name",
            #"{"web": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {}}}"#)
        #expect(throws: BuildError.self) { _ = try extract("{not json") }
    }

    @Test func aStageWithOnlyARenderedJSONIsExtractedAndLabelled() async throws {
        let tree = #"{"b": \#(configMap("second")), "a": {"x": \#(configMap("first"))}}"#
        let rendered = FileMap(["rendered.json": Array(tree.utf8)])
        #expect(StageBuilder.mode(files: rendered, path: "./") == .jsonnetOutput)
        let objects = try await StageBuilder.build(files: rendered, path: "./", stageSetName: "payments", stageSetNamespace: "prod", stage: "app")
        #expect(objects.map(\.name) == ["first", "second"])
        #expect(objects.allSatisfy { $0.label(OwnerLabels.stage) == "app" })
        await expectBuildError(.noManifests, "no manifests in ./") {
            _ = try await StageBuilder.build(files: FileMap(["rendered.json": Array("{}".utf8)]), path: "./", stageSetName: "p",
                stageSetNamespace: "n", stage: "s")
        }
    }
}
