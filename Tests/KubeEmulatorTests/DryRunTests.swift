import Testing
@testable import KubeEmulator

@Suite struct DryRunTests {
    @Test func dryRunApplyCreateStoresNothing() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let path = "/api/v1/namespaces/demo/configmaps/preview"
        let before = cluster.emulator.objectJSON(group: "", resource: "namespaces", name: "demo")
        let response = try cluster.apply(path, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"preview"},"data":{"a":"1"}}"#, manager: "agent", dryRun: true)
        #expect(response.status == 201)
        #expect(response.json.at("data.a") == .string("1"))
        #expect(response.json.at("metadata.uid").stringValue != nil)
        #expect(try cluster.get(path).status == 404)
        #expect(cluster.emulator.objectJSON(group: "", resource: "namespaces", name: "demo") == before)
        #expect(cluster.emulator.requestLog().first { $0.verb == "patch" && $0.name == "preview" }?.dryRun == true)
    }

    @Test func dryRunUpdatesPatchesAndDeletesLeaveTheObjectUnchanged() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let path = "/api/v1/namespaces/demo/configmaps/cfg"
        try cluster.apply(path, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#, manager: "agent")
        let original = try cluster.get(path).body

        let applied = try cluster.apply(path, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"2"}}"#, manager: "agent", dryRun: true)
        #expect(applied.json.at("data.a") == .string("2"))
        let merged = try cluster.request("PATCH", path + "?dryRun=All", body: #"{"data":{"b":"3"}}"#, contentType: "application/merge-patch+json")
        #expect(merged.json.at("data.b") == .string("3"))
        let put = try cluster.request("PUT", path + "?dryRun=All", body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{}}"#)
        #expect(put.status == 200)
        let deleted = try cluster.request("DELETE", path + "?dryRun=All")
        #expect(deleted.status == 200)
        #expect(try cluster.get(path).body == original)
        #expect(try cluster.request("PATCH", path + "?dryRun=Nope", body: "{}", contentType: "application/merge-patch+json").status == 400)
    }
}
