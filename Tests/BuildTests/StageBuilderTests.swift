import Fetch
import JSON
import Testing
@testable import Build

func files(_ entries: [String: String]) -> FileMap {
    FileMap(entries.mapValues { Array($0.utf8) })
}

func build(_ entries: [String: String], path: String = "./app") throws -> [ManifestObject] {
    try StageBuilder.build(files: files(entries), path: path, stageSetName: "payments", stageSetNamespace: "prod", stage: "app")
}

func expectBuildError(_ code: BuildError.Code, _ message: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(sourceLocation: sourceLocation) {
        try body()
    } throws: { error in
        guard let error = error as? BuildError else { return false }
        return error.code == code && error.message == message
    }
}

@Suite struct StageBuilderTests {
    @Test func readsEveryManifestUnderThePathInSortedOrder() throws {
        let objects = try build([
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

    @Test func stampsTheOwnerLabelsAndKeepsExistingOnes() throws {
        let object = try #require(try build(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {team: x}\n"]).first)
        #expect(object.label("team") == "x")
        #expect(object.label(OwnerLabels.name) == "payments")
        #expect(object.label(OwnerLabels.namespace) == "prod")
        #expect(object.label(OwnerLabels.stage) == "app")
    }

    @Test func flattensLists() throws {
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
        #expect(try build(["app/list.yaml": list]).map(\.name) == ["one", "two"])
        #expect(try build(["app/array.json": #"[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}]"#]).map(\.kind) == ["Secret"])
    }

    @Test func namesTheFileAndDocumentOfAnIncompleteObject() {
        expectBuildError(.invalidObject, "app/a.yaml[1]: kind is missing") {
            _ = try build(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n"])
        }
        expectBuildError(.invalidObject, "app/a.yaml[0]: ConfigMap has no metadata.name") {
            _ = try build(["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"])
        }
        expectBuildError(.invalidObject, "app/a.yaml[0]: apiVersion is missing") {
            _ = try build(["app/a.yaml": "kind: ConfigMap\nmetadata: {name: a}\n"])
        }
        expectBuildError(.invalidObject, "app/l.yaml[0].items[1]: expected a Kubernetes object, found string") {
            _ = try build(["app/l.yaml": "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}, oops]\n"])
        }
    }

    @Test func reportsSyntaxErrorsWithTheFile() {
        #expect {
            _ = try build(["app/a.yaml": "apiVersion: v1\nkind: [\n"])
        } throws: { error in
            (error as? BuildError)?.code == .syntax && (error as? BuildError)?.message.hasPrefix("app/a.yaml: line") == true
        }
        #expect(throws: BuildError.self) { _ = try build(["app/a.json": "{"]) }
    }

    @Test func anEmptyStageIsAnErrorNotAnEmptyApply() {
        expectBuildError(.noManifests, "no manifests in ./app") { _ = try build(["app/readme.md": "x", "app/empty.yaml": "---\n"]) }
        expectBuildError(.noManifests, "no manifests in ./") { _ = try build(["readme.md": "x"], path: "./") }
    }

    @Test func refusesKustomizationsUntilKustomizeBuildsExist() {
        expectBuildError(.notSupportedYet, "./app holds a kustomization: kustomize builds are not supported yet") {
            _ = try build(["app/kustomization.yaml": "resources: [a.yaml]\n", "app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"])
        }
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
