import Foundation
import Testing
@testable import KubeEmulator

@Suite struct LifecycleTests {
    @Test func createGetUpdateAndDeleteFollowTheRealStatusCodes() throws {
        let cluster = try TestCluster()
        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#
        let created = try cluster.request("POST", "/api/v1/namespaces/default/configmaps", body: body)
        #expect(created.status == 201)
        let duplicate = try cluster.request("POST", "/api/v1/namespaces/default/configmaps", body: body)
        #expect(duplicate.status == 409)
        #expect(duplicate.json["reason"] == .string("AlreadyExists"))
        #expect(duplicate.json["message"] == .string(#"configmaps "c" already exists"#))

        var object = created.json
        object["data"] = .object(["a": .string("2")])
        let updated = try cluster.request("PUT", "/api/v1/namespaces/default/configmaps/c", body: JSONSerializer.string(object))
        #expect(updated.status == 200)
        #expect(updated.json.at("data.a") == .string("2"))
        let stale = try cluster.request("PUT", "/api/v1/namespaces/default/configmaps/c", body: JSONSerializer.string(object))
        #expect(stale.status == 409)
        #expect(stale.json["message"] == .string(#"Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again"#))

        let strategic = try cluster.request("PATCH", "/api/v1/namespaces/default/configmaps/c", body: #"{"data":{"b":"3"}}"#, contentType: "application/strategic-merge-patch+json")
        #expect(strategic.json["data"] == .object(["a": .string("2"), "b": .string("3")]))
        let jsonPatch = try cluster.request("PATCH", "/api/v1/namespaces/default/configmaps/c", body: #"[{"op":"remove","path":"/data/a"}]"#, contentType: "application/json-patch+json")
        #expect(jsonPatch.json["data"] == .object(["b": .string("3")]))

        #expect(try cluster.request("DELETE", "/api/v1/namespaces/default/configmaps/c").status == 200)
        let missing = try cluster.get("/api/v1/namespaces/default/configmaps/c")
        #expect(missing.status == 404)
        #expect(missing.json["message"] == .string(#"configmaps "c" not found"#))
        #expect(missing.json.at("details.kind") == .string("configmaps"))
        #expect(try cluster.get("/apis/apps/v1/namespaces/default/widgets").status == 404)
    }

    @Test func finalizersKeepTheObjectUntilRemoved() throws {
        let cluster = try TestCluster()
        let path = "/api/v1/namespaces/default/configmaps/held"
        try cluster.apply(path, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}"#, manager: "agent")
        let deleting = try cluster.request("DELETE", path)
        #expect(deleting.status == 200)
        let held = try cluster.get(path)
        #expect(held.status == 200)
        #expect(held.json.at("metadata.deletionTimestamp").stringValue != nil)
        let released = try cluster.request("PATCH", path, body: #"{"metadata":{"finalizers":null}}"#, contentType: "application/merge-patch+json")
        #expect(released.status == 200)
        #expect(try cluster.get(path).status == 404)
    }

    @Test func namespaceDeletionRemovesItsObjects() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("doomed")
        try cluster.createNamespace("kept")
        for namespace in ["doomed", "kept"] {
            try cluster.apply("/api/v1/namespaces/\(namespace)/configmaps/c", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#, manager: "agent")
            try cluster.apply("/apis/apps/v1/namespaces/\(namespace)/deployments/d", ServerSideApplyTests.deployment().replacingOccurrences(of: "\"web\",\"namespace\":\"demo\"", with: "\"d\",\"namespace\":\"\(namespace)\""), manager: "agent")
        }
        let deleted = try cluster.request("DELETE", "/api/v1/namespaces/doomed")
        #expect(deleted.status == 200)
        #expect(deleted.json.at("status.phase") == .string("Terminating"))
        #expect(try cluster.get("/api/v1/namespaces/doomed").status == 404)
        #expect(try cluster.get("/api/v1/namespaces/doomed/configmaps/c").status == 404)
        #expect(try cluster.get("/apis/apps/v1/namespaces/doomed/deployments/d").status == 404)
        #expect(try cluster.get("/api/v1/namespaces/kept/configmaps/c").status == 200)
        #expect(try cluster.get("/apis/apps/v1/namespaces/kept/deployments/d").status == 200)
        let recreate = try cluster.apply("/api/v1/namespaces/doomed/configmaps/c", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#, manager: "agent")
        #expect(recreate.status == 404)
    }

    @Test func propagationPolicyControlsDependents() throws {
        let cluster = try TestCluster()
        let owner = try cluster.apply("/api/v1/namespaces/default/configmaps/owner", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"}}"#, manager: "agent").json
        let uid = owner.at("metadata.uid").stringValue ?? ""
        for name in ["child1", "child2"] {
            try cluster.apply("/api/v1/namespaces/default/configmaps/\(name)", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"\#(uid)"}]}}"#, manager: "agent")
        }
        #expect(try cluster.request("DELETE", "/api/v1/namespaces/default/configmaps/owner", body: #"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Orphan"}"#).status == 200)
        let orphan = try cluster.get("/api/v1/namespaces/default/configmaps/child1").json
        #expect(orphan.at("metadata.ownerReferences").isNull)

        let owner2 = try cluster.apply("/api/v1/namespaces/default/configmaps/owner2", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner2"}}"#, manager: "agent").json
        let uid2 = owner2.at("metadata.uid").stringValue ?? ""
        try cluster.apply("/api/v1/namespaces/default/configmaps/child3", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"child3","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner2","uid":"\#(uid2)"}]}}"#, manager: "agent")
        #expect(try cluster.request("DELETE", "/api/v1/namespaces/default/configmaps/owner2?propagationPolicy=Background").status == 200)
        #expect(try cluster.get("/api/v1/namespaces/default/configmaps/child3").status == 404)
    }

    @Test func createValidatesNames() throws {
        let cluster = try TestCluster()
        let response = try cluster.request("POST", "/api/v1/namespaces/default/configmaps", body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#)
        #expect(response.status == 422)
        #expect(response.json.at("details.causes.0.field") == .string("metadata.name"))
        let generated = try cluster.request("POST", "/api/v1/namespaces/default/configmaps", body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}"#)
        #expect(generated.status == 201)
        #expect(generated.json.at("metadata.name").stringValue?.hasPrefix("gen-") == true)
    }
}

@Suite struct SubresourceAndTableTests {
    @Test func statusCanBeReplacedWithPut() throws {
        let cluster = try TestCluster()
        let path = "/api/v1/namespaces/default/pods/p"
        var pod = try cluster.apply(path, #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#, manager: "agent").json
        pod["status"] = .object(["phase": .string("Succeeded")])
        pod["spec"] = .object(["containers": .array([.object(["name": .string("c"), "image": .string("changed")])])])
        let replaced = try cluster.request("PUT", path + "/status", body: JSONSerializer.string(pod))
        #expect(replaced.status == 200)
        #expect(replaced.json.at("status.phase") == .string("Succeeded"))
        #expect(replaced.json.at("spec.containers.0.image") == .string("busybox"))
        #expect(try cluster.get(path + "/status").json.at("status.phase") == .string("Succeeded"))
        #expect(try cluster.get("/api/v1/namespaces/default/configmaps/x/status").status == 404)
    }

    @Test func tablesAndUnsupportedRequests() throws {
        let cluster = try TestCluster()
        let table = try cluster.request("GET", "/api/v1/namespaces", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.json["kind"] == .string("Table"))
        #expect(table.json.at("columnDefinitions.0.name") == .string("Name"))
        #expect((table.json["rows"].arrayValue ?? []).contains { $0.at("cells.0") == .string("default") })
        let watch = try cluster.get("/api/v1/namespaces?watch=true")
        #expect(watch.status == 405)
        #expect(watch.json["reason"] == .string("MethodNotAllowed"))
        let protobuf = try cluster.request("POST", "/api/v1/namespaces/default/configmaps", body: "x", contentType: "application/vnd.kubernetes.protobuf")
        #expect(protobuf.status == 415)
    }
}
