import Testing
@testable import KubeEmulator

@Suite struct DenyRuleTests {
    @Test func denyRuleAnswers403WithTheRealMessageShape() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        cluster.emulator.addDenyRule(DenyRule(user: "admin", verb: "patch", group: "", resource: "secrets", namespace: "demo"))
        let response = try cluster.apply("/api/v1/namespaces/demo/secrets/x", #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#, manager: "agent")
        #expect(response.status == 403)
        #expect(response.json["reason"] == .string("Forbidden"))
        #expect(response.json["message"] == .string(#"secrets "x" is forbidden: User "admin" cannot patch resource "secrets" in API group "" in the namespace "demo""#))
        #expect(response.json.at("details.name") == .string("x"))
        #expect(response.json.at("details.kind") == .string("secrets"))
        // Other verbs, resources and namespaces are unaffected.
        #expect(try cluster.get("/api/v1/namespaces/demo/secrets").status == 200)
        #expect(try cluster.apply("/api/v1/namespaces/demo/configmaps/x", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#, manager: "agent").status == 201)
        try cluster.createNamespace("other")
        #expect(try cluster.apply("/api/v1/namespaces/other/secrets/x", #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#, manager: "agent").status == 201)
    }

    @Test func denyRulesCoverGroupsListsAndClusterScope() throws {
        let cluster = try TestCluster()
        cluster.emulator.addDenyRule(DenyRule(verb: "list", group: "apps", resource: "deployments"))
        cluster.emulator.addDenyRule(DenyRule(user: "admin", verb: "*", group: "rbac.authorization.k8s.io", resource: "clusterroles"))
        let list = try cluster.get("/apis/apps/v1/namespaces/default/deployments")
        #expect(list.json["message"] == .string(#"deployments.apps is forbidden: User "admin" cannot list resource "deployments" in API group "apps" in the namespace "default""#))
        let clusterScoped = try cluster.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/view")
        #expect(clusterScoped.status == 403)
        #expect(clusterScoped.json["message"] == .string(#"clusterroles.rbac.authorization.k8s.io "view" is forbidden: User "admin" cannot get resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope"#))
        cluster.emulator.clearDenyRules()
        #expect(try cluster.get("/apis/apps/v1/namespaces/default/deployments").status == 200)
    }
}
