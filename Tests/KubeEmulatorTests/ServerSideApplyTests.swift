import Testing
@testable import KubeEmulator

@Suite struct ServerSideApplyTests {
    static let deploymentPath = "/apis/apps/v1/namespaces/demo/deployments/web"

    static func deployment(replicas: Int? = 2, image: String = "nginx:1.27", labels: String = #""app":"web""#, env: String = #"[{"name":"A","value":"1"}]"#) -> String {
        let replicasField = replicas.map { #""replicas":\#($0),"# } ?? ""
        return #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","labels":{\#(labels)}},"spec":{\#(replicasField)"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"\#(image)","env":\#(env)}]}}}}"#
    }

    @Test func applyCreatesTheObjectWithManagedFields() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let created = try cluster.apply(Self.deploymentPath, Self.deployment(), manager: "agent")
        #expect(created.status == 201)
        let object = created.json
        #expect(object.at("metadata.uid").stringValue?.isEmpty == false)
        #expect(object.at("metadata.generation") == .integer(1))
        #expect(object.at("metadata.resourceVersion").stringValue != nil)
        #expect(object.at("metadata.creationTimestamp").stringValue != nil)
        let entry = try #require(object.managedFields(of: "agent"))
        #expect(entry["fieldsType"] == .string("FieldsV1"))
        #expect(entry["apiVersion"] == .string("apps/v1"))
        #expect(entry.at("fieldsV1.f:spec.f:replicas") == .object([:]))
        #expect(entry.at("fieldsV1.f:spec.f:selector") == .object([:]))
        let container = entry.at("fieldsV1.f:spec.f:template.f:spec.f:containers")[#"k:{"name":"web"}"#]
        #expect(container["."] == .object([:]))
        #expect(container["f:image"] == .object([:]))
        #expect(container["f:env"][#"k:{"name":"A"}"#]["f:value"] == .object([:]))
    }

    @Test func reapplyingTheSameConfigurationIsANoOp() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let first = try cluster.apply(Self.deploymentPath, Self.deployment(), manager: "agent").json
        let second = try cluster.apply(Self.deploymentPath, Self.deployment(), manager: "agent")
        #expect(second.status == 200)
        #expect(second.json.at("metadata.resourceVersion") == first.at("metadata.resourceVersion"))
        #expect(second.json.at("metadata.generation") == .integer(1))
    }

    @Test func applyUpdatesFieldsAndBumpsGenerationOnlyForSpecChanges() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        try cluster.apply(Self.deploymentPath, Self.deployment(), manager: "agent")
        let labelled = try cluster.apply(Self.deploymentPath, Self.deployment(labels: #""app":"web","tier":"front""#), manager: "agent").json
        #expect(labelled.at("metadata.labels.tier") == .string("front"))
        #expect(labelled.at("metadata.generation") == .integer(1))
        let updated = try cluster.apply(Self.deploymentPath, Self.deployment(image: "nginx:1.28"), manager: "agent").json
        #expect(updated.at("spec.template.spec.containers.0.image") == .string("nginx:1.28"))
        #expect(updated.at("metadata.generation") == .integer(2))
        #expect(updated.at("status.observedGeneration") == .integer(2))
    }

    @Test func fieldsNoLongerAppliedAreRemoved() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        try cluster.apply(Self.deploymentPath, Self.deployment(labels: #""app":"web","tier":"front""#, env: #"[{"name":"A","value":"1"},{"name":"B","value":"2"}]"#), manager: "agent")
        let pruned = try cluster.apply(Self.deploymentPath, Self.deployment(replicas: nil), manager: "agent").json
        #expect(pruned.at("metadata.labels.tier").isNull)
        #expect(pruned.at("metadata.labels.app") == .string("web"))
        let env = pruned.at("spec.template.spec.containers.0.env").arrayValue ?? []
        #expect(env.count == 1)
        #expect(env.first?["name"] == .string("A"))
        // replicas was dropped from the configuration: removed, then defaulted again by the server.
        #expect(pruned.at("spec.replicas") == .integer(1))
        #expect(pruned.managedFields(of: "agent")?.at("fieldsV1.f:spec.f:replicas").isNull == true)
    }

    @Test func conflictingApplyAnswers409WithCausesUnlessForced() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        try cluster.apply(Self.deploymentPath, Self.deployment(replicas: 2), manager: "agent")
        let conflict = try cluster.apply(Self.deploymentPath, Self.deployment(replicas: 5), manager: "hpa")
        #expect(conflict.status == 409)
        #expect(conflict.json["kind"] == .string("Status"))
        #expect(conflict.json["reason"] == .string("Conflict"))
        #expect(conflict.json["message"] == .string("Apply failed with 1 conflict: conflict with \"agent\": .spec.replicas"))
        let cause = conflict.json.at("details.causes.0")
        #expect(cause["type"] == .string("FieldManagerConflict"))
        #expect(cause["field"] == .string(".spec.replicas"))
        #expect(cause["message"] == .string("conflict with \"agent\""))
        #expect(try cluster.get(Self.deploymentPath).json.at("spec.replicas") == .integer(2))

        let forced = try cluster.apply(Self.deploymentPath, Self.deployment(replicas: 5), manager: "hpa", force: true)
        #expect(forced.status == 200)
        #expect(forced.json.at("spec.replicas") == .integer(5))
        #expect(forced.json.managedFields(of: "agent")?.at("fieldsV1.f:spec.f:replicas").isNull == true)
        #expect(forced.json.managedFields(of: "hpa")?.at("fieldsV1.f:spec.f:replicas") == .object([:]))
    }

    @Test func multipleConflictsAreListedPerManager() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        try cluster.apply(Self.deploymentPath, Self.deployment(replicas: 2), manager: "agent")
        let conflict = try cluster.apply(Self.deploymentPath, Self.deployment(replicas: 3, image: "nginx:2"), manager: "other")
        #expect(conflict.status == 409)
        let message = conflict.json["message"].stringValue ?? ""
        #expect(message.hasPrefix("Apply failed with 2 conflicts: conflicts with \"agent\":\n"))
        #expect(message.contains("- .spec.replicas"))
        #expect(message.contains(#"- .spec.template.spec.containers[name="web"].image"#))
        #expect(conflict.json.at("details.causes").arrayValue?.count == 2)
    }

    @Test func updateManagersConflictWithTheirAPIVersion() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let created = try cluster.request("POST", "/api/v1/namespaces/demo/configmaps?fieldManager=editor",
                                          body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"k":"v"}}"#)
        #expect(created.status == 201)
        #expect(created.json.managedFields(of: "editor", operation: "Update")?.at("fieldsV1.f:data") == .object([".": .object([:]), "f:k": .object([:])]))
        let conflict = try cluster.apply("/api/v1/namespaces/demo/configmaps/cfg",
                                         #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"k":"other"}}"#, manager: "agent")
        #expect(conflict.status == 409)
        #expect(conflict.json["message"] == .string("Apply failed with 1 conflict: conflict with \"editor\" using v1: .data.k"))
    }

    @Test func twoManagersShareAnObject() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let path = "/api/v1/namespaces/demo/configmaps/shared"
        func config(_ data: String, labels: String = "{}") -> String {
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared","labels":\#(labels)},"data":\#(data)}"#
        }
        #expect(try cluster.apply(path, config(#"{"a":"1","common":"same"}"#, labels: #"{"owner":"one"}"#), manager: "one").status == 201)
        #expect(try cluster.apply(path, config(#"{"b":"2","common":"same"}"#, labels: #"{"team":"two"}"#), manager: "two").status == 200)
        let both = try cluster.get(path).json
        #expect(both["data"] == .object(["a": .string("1"), "b": .string("2"), "common": .string("same")]))
        #expect(both.at("metadata.labels") == .object(["owner": .string("one"), "team": .string("two")]))
        #expect(both.managedFields(of: "one")?.at("fieldsV1.f:data.f:common") == .object([:]))
        #expect(both.managedFields(of: "two")?.at("fieldsV1.f:data.f:common") == .object([:]))

        // "one" stops applying a and common: a disappears, common stays because "two" still owns it.
        let after = try cluster.apply(path, config(#"{}"#, labels: #"{"owner":"one"}"#), manager: "one").json
        #expect(after["data"] == .object(["b": .string("2"), "common": .string("same")]))
        #expect(after.at("metadata.labels.team") == .string("two"))
    }

    @Test func associativeListsMergeByKeyAcrossManagers() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        try cluster.apply(Self.deploymentPath, Self.deployment(), manager: "agent")
        let sidecar = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"},"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"INJECTED","value":"yes"}]},{"name":"proxy","image":"envoy:1"}]}}}}"#
        let merged = try cluster.apply(Self.deploymentPath, sidecar, manager: "injector").json
        let containers = merged.at("spec.template.spec.containers").arrayValue ?? []
        #expect(containers.compactMap { $0["name"].stringValue } == ["web", "proxy"])
        let env = (containers.first?["env"].arrayValue ?? []).compactMap { $0["name"].stringValue }
        #expect(env == ["A", "INJECTED"])
        #expect(containers.first?["image"] == .string("nginx:1.27"))
        // Atomic selector: owned as one leaf.
        #expect(merged.managedFields(of: "agent")?.at("fieldsV1.f:spec.f:selector") == .object([:]))
    }

    @Test func servicePortsAreKeyedByPortAndProtocol() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let service = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80}]}}"#
        let created = try cluster.apply("/api/v1/namespaces/demo/services/web", service, manager: "agent").json
        #expect(created.at("spec.clusterIP").stringValue?.hasPrefix("10.96.") == true)
        #expect(created.at("spec.ports.0.protocol") == .string("TCP"))
        #expect(created.at("spec.ports.0.targetPort") == .integer(80))
        let ports = created.managedFields(of: "agent")?.at("fieldsV1.f:spec.f:ports")
        #expect(ports?[#"k:{"port":80,"protocol":"TCP"}"#]["f:name"] == .object([:]))
        #expect(created.managedFields(of: "agent")?.at("fieldsV1.f:spec.f:selector") == .object([:]))
    }

    @Test func applyValidatesTheRequest() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let noManager = try cluster.request("PATCH", "/api/v1/namespaces/demo/configmaps/x",
                                            body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#, contentType: "application/apply-patch+yaml")
        #expect(noManager.status == 400)
        let yaml = try cluster.request("PATCH", "/api/v1/namespaces/demo/configmaps/x?fieldManager=a",
                                       body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", contentType: "application/apply-patch+yaml")
        #expect(yaml.status == 415)
        let wrongName = try cluster.apply("/api/v1/namespaces/demo/configmaps/x", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"y"}}"#, manager: "a")
        #expect(wrongName.status == 400)
        let missingNamespace = try cluster.apply("/api/v1/namespaces/absent/configmaps/x", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#, manager: "a")
        #expect(missingNamespace.status == 404)
        #expect(missingNamespace.json["message"] == .string("namespaces \"absent\" not found"))
        #expect(missingNamespace.json.at("details.kind") == .string("namespaces"))
    }

    @Test func statusSubresourceWritesOnlyStatus() throws {
        let cluster = try TestCluster { $0.defaultReadiness = .progressing }
        try cluster.createNamespace("demo")
        try cluster.apply(Self.deploymentPath, Self.deployment(), manager: "agent")
        let status = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"},"spec":{"replicas":9},"status":{"readyReplicas":7}}"#
        let patched = try cluster.apply(Self.deploymentPath + "/status", status, manager: "controller").json
        #expect(patched.at("status.readyReplicas") == .integer(7))
        #expect(patched.at("spec.replicas") == .integer(2))
        #expect(patched.managedFields(of: "controller")?["subresource"] == .string("status"))
        // The main resource ignores status in its body.
        let ignored = try cluster.apply(Self.deploymentPath, #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"},"status":{"readyReplicas":1}}"#, manager: "sneaky").json
        #expect(ignored.at("status.readyReplicas") == .integer(7))
    }
}
