import Fetch
import JSON
import Testing
@testable import Build

func files(_ entries: [String: String]) -> FileMap {
    FileMap(entries.mapValues { Array($0.utf8) })
}

func build(_ entries: [String: String], path: String = "./app") async throws -> [ManifestObject] {
    try await StageBuilder.build(files: files(entries), path: path, stageSetName: "payments", stageSetNamespace: "prod", stage: "app")
}

func expectBuildError(_ code: BuildError.Code, _ message: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    await #expect(sourceLocation: sourceLocation) {
        try await body()
    } throws: { error in
        guard let error = error as? BuildError else { return false }
        return error.code == code && error.message == message
    }
}

@Suite struct StageBuilderTests {
    @Test func readsEveryManifestUnderThePathInSortedOrder() async throws {
        let objects = try await build([
            "app/b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            "app/a.json": #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}"#,
            "app/nested/d.yml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n",
            "app/notes.txt": "ignored",
            "other/e.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n",
        ])
        #expect(objects.map(\.name) == ["a", "b", "c", "d"])
        #expect(objects.map(\.file) == ["app/a.json", "app/b.yaml", "app/b.yaml", "app/nested/d.yml"])
        #expect(objects.map(\.documentIndex) == [0, 0, 2, 0])
    }

    @Test func stampsTheOwnerLabelsAndKeepsExistingOnes() async throws {
        let object = try #require(try await build(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {team: x}\n"]).first)
        #expect(object.label("team") == "x")
        #expect(object.label(OwnerLabels.name) == "payments")
        #expect(object.label(OwnerLabels.namespace) == "prod")
        #expect(object.label(OwnerLabels.stage) == "app")
    }

    @Test func flattensLists() async throws {
        let list = """
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}
              - apiVersion: v1
                kind: ConfigMapList
                items:
                  - {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
            """
        #expect(try await build(["app/list.yaml": list]).map(\.name) == ["one", "two"])
        #expect(try await build(["app/array.json": #"[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}]"#]).map(\.kind) == ["Secret"])
    }

    @Test func namesTheFileAndDocumentOfAnIncompleteObject() async {
        await expectBuildError(.invalidObject, "app/a.yaml[1]: kind is missing") {
            _ = try await build(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n"])
        }
        await expectBuildError(.invalidObject, "app/a.yaml[0]: ConfigMap has no metadata.name") {
            _ = try await build(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"])
        }
        await expectBuildError(.invalidObject, "app/a.yaml[0]: apiVersion is missing") {
            _ = try await build(["app/a.yaml": "kind: ConfigMap\nmetadata: {name: a}\n"])
        }
        await expectBuildError(.invalidObject, "app/l.yaml[0].items[1]: expected a Kubernetes object, found string") {
            _ = try await build(["app/l.yaml": "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}, oops]\n"])
        }
    }

    @Test func reportsSyntaxErrorsWithTheFile() async {
        await #expect {
            _ = try await build(["app/a.yaml": "apiVersion: v1\nkind: [\n"])
        } throws: { error in
            (error as? BuildError)?.code == .syntax && (error as? BuildError)?.message.hasPrefix("app/a.yaml: line") == true
        }
        await #expect(throws: BuildError.self) { _ = try await build(["app/a.json": "{"]) }
    }

    @Test func anEmptyStageIsAnErrorNotAnEmptyApply() async {
        await expectBuildError(.noManifests, "no manifests in ./app") { _ = try await build(["app/readme.md": "x", "app/empty.yaml": "---\n"]) }
        await expectBuildError(.noManifests, "no manifests in ./") { _ = try await build(["readme.md": "x"], path: "./") }
    }

    @Test func masksSecretValuesOnly() throws {
        let secretValue: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"], "data": ["token": "c2VjcmV0"], "stringData": ["password": "hunter2"],
        ]
        let secret = try #require(secretValue.objectValue)
        let masked = SecretMasking.masked(secret)
        #expect(masked["data"] == ["token": "*****"])
        #expect(masked["stringData"] == ["password": "*****"])
        let configMapValue: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "data": ["a": "b"]]
        let configMap = try #require(configMapValue.objectValue)
        #expect(SecretMasking.masked(configMap) == configMap)
    }
}
