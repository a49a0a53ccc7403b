import Testing
@testable import KubeEmulator

@Suite struct CustomResourceDefinitionTests {
    static let crd = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},"versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"},"ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer"}}}}}},"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}"#
    static let crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"
    static let widgetPath = "/apis/example.com/v1/namespaces/demo/widgets/w1"

    static func isEstablished(_ crd: JSONValue) -> Bool {
        (crd.at("status.conditions").arrayValue ?? []).contains { $0["type"] == .string("Established") && $0["status"] == .string("True") }
    }

    @Test func crdBecomesServedAfterTheEstablishDelayAndDisappearsOnDelete() throws {
        let cluster = try TestCluster { $0.crdEstablishDelaySeconds = 2 }
        try cluster.createNamespace("demo")
        let created = try cluster.apply(Self.crdPath, Self.crd, manager: "agent")
        #expect(created.status == 201)
        #expect(!Self.isEstablished(created.json))
        #expect((created.json.at("status.conditions").arrayValue ?? []).contains { $0["type"] == .string("NamesAccepted") && $0["status"] == .string("True") })
        let widget = #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":1,"ports":[{"name":"http","port":80}]}}"#
        #expect(try cluster.apply(Self.widgetPath, widget, manager: "agent").status == 404)

        #expect(try cluster.eventually { Self.isEstablished(try cluster.get(Self.crdPath).json) })
        let groups = try cluster.get("/apis").json
        #expect((groups["groups"].arrayValue ?? []).contains { $0["name"] == .string("example.com") })
        let resources = try cluster.get("/apis/example.com/v1").json
        let widgets = (resources["resources"].arrayValue ?? []).first { $0["name"] == .string("widgets") }
        #expect(widgets?["kind"] == .string("Widget"))
        #expect(widgets?["shortNames"] == .array([.string("wd")]))
        #expect((resources["resources"].arrayValue ?? []).contains { $0["name"] == .string("widgets/status") })
        let aggregated = try cluster.request("GET", "/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList").json
        #expect((aggregated["items"].arrayValue ?? []).contains { $0.at("metadata.name") == .string("example.com") })

        let applied = try cluster.apply(Self.widgetPath, widget, manager: "agent")
        #expect(applied.status == 201)
        #expect(applied.json.at("spec.size") == .integer(1))
        #expect(try cluster.get("/apis/example.com/v1/widgets").json.at("items.0.metadata.name") == .string("w1"))

        #expect(try cluster.request("DELETE", Self.crdPath).status == 200)
        #expect(try cluster.get(Self.widgetPath).status == 404)
        #expect(try cluster.get("/apis/example.com/v1").status == 404)
        #expect(!((try cluster.get("/apis").json["groups"].arrayValue ?? []).contains { $0["name"] == .string("example.com") }))
    }

    @Test func crdListMapKeysMakeListsGranular() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        #expect(Self.isEstablished(try cluster.apply(Self.crdPath, Self.crd, manager: "agent").json))
        try cluster.apply(Self.widgetPath, #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"ports":[{"name":"http","port":80}]}}"#, manager: "one")
        let merged = try cluster.apply(Self.widgetPath, #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"ports":[{"name":"metrics","port":9090}]}}"#, manager: "two").json
        #expect((merged.at("spec.ports").arrayValue ?? []).compactMap { $0["name"].stringValue } == ["http", "metrics"])
        #expect(merged.managedFields(of: "two")?.at("fieldsV1.f:spec.f:ports")[#"k:{"name":"metrics"}"#]["f:port"] == .object([:]))
    }

    @Test func strictFieldValidationRejectsUnknownFieldsOfCustomResources() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        try cluster.apply(Self.crdPath, Self.crd, manager: "agent")
        let response = try cluster.request("PATCH", Self.widgetPath + "?fieldManager=agent&fieldValidation=Strict",
                                           body: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"bogus":1}}"#,
                                           contentType: "application/apply-patch+yaml")
        #expect(response.status == 400)
        #expect(response.json["message"].stringValue?.contains(#"unknown field "spec.bogus""#) == true)
        // Without Strict, unknown fields are pruned like the real apiserver does.
        let pruned = try cluster.apply(Self.widgetPath, #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":2,"bogus":1}}"#, manager: "agent")
        #expect(pruned.status == 201)
        #expect(pruned.json.at("spec") == .object(["size": .integer(2)]))
    }

    @Test func readinessAnnotationCanKeepACRDFromBeingEstablished() throws {
        let cluster = try TestCluster()
        var crd = try JSONParser.parse(Self.crd)
        crd.set(path: ["metadata", "annotations", Readiness.annotation], to: .string("progressing"))
        let created = try cluster.apply(Self.crdPath, JSONSerializer.string(crd), manager: "agent")
        #expect(!Self.isEstablished(created.json))
        #expect(try cluster.get("/apis/example.com/v1").status == 404)
    }
}
