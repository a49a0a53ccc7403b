import Testing
@testable import KubeEmulator

@Suite struct DiscoveryTests {
    @Test func legacyDiscoveryListsGroupsAndResources() throws {
        let cluster = try TestCluster()
        let api = try cluster.get("/api")
        #expect(api.status == 200)
        #expect(api.json["kind"] == .string("APIVersions"))
        #expect(api.json["versions"] == .array([.string("v1")]))

        let groups = try cluster.get("/apis").json
        #expect(groups["kind"] == .string("APIGroupList"))
        let names = (groups["groups"].arrayValue ?? []).compactMap { $0["name"].stringValue }
        for group in ["apps", "batch", "rbac.authorization.k8s.io", "networking.k8s.io", "policy", "apiextensions.k8s.io"] {
            #expect(names.contains(group))
        }

        let core = try cluster.get("/api/v1").json
        #expect(core["groupVersion"] == .string("v1"))
        let configMaps = (core["resources"].arrayValue ?? []).first { $0["name"] == .string("configmaps") }
        #expect(configMaps?["kind"] == .string("ConfigMap"))
        #expect(configMaps?["namespaced"] == .bool(true))
        #expect(configMaps?["shortNames"] == .array([.string("cm")]))
        let namespaces = (core["resources"].arrayValue ?? []).first { $0["name"] == .string("namespaces") }
        #expect(namespaces?["namespaced"] == .bool(false))

        let apps = try cluster.get("/apis/apps/v1").json
        let resources = apps["resources"].arrayValue ?? []
        let deployments = resources.first { $0["name"] == .string("deployments") }
        #expect(deployments?["singularName"] == .string("deployment"))
        #expect(deployments?["verbs"].arrayValue?.contains(.string("patch")) == true)
        #expect(resources.contains { $0["name"] == .string("deployments/status") })
        #expect(try cluster.get("/apis/nothing.example.com/v1").status == 404)
    }

    @Test func aggregatedDiscoveryAnswersTheV2MediaType() throws {
        let cluster = try TestCluster()
        let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
        let apis = try cluster.request("GET", "/apis", accept: accept)
        #expect(apis.status == 200)
        #expect(apis.headers["content-type"] == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        #expect(apis.json["kind"] == .string("APIGroupDiscoveryList"))
        #expect(apis.json["apiVersion"] == .string("apidiscovery.k8s.io/v2"))
        let apps = (apis.json["items"].arrayValue ?? []).first { $0.at("metadata.name") == .string("apps") }
        let deployments = (apps?.at("versions.0.resources").arrayValue ?? []).first { $0["resource"] == .string("deployments") }
        #expect(deployments?["scope"] == .string("Namespaced"))
        #expect(deployments?.at("responseKind.kind") == .string("Deployment"))
        #expect(deployments?.at("subresources.0.subresource") == .string("status"))

        let core = try cluster.request("GET", "/api", accept: accept).json
        #expect(core.at("items.0.versions.0.version") == .string("v1"))
        let secrets = (core.at("items.0.versions.0.resources").arrayValue ?? []).first { $0["resource"] == .string("secrets") }
        #expect(secrets?.at("responseKind.kind") == .string("Secret"))

        let beta = try cluster.request("GET", "/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")
        #expect(beta.json["apiVersion"] == .string("apidiscovery.k8s.io/v2beta1"))
    }

    @Test func versionAndOpenAPIV3AreServed() throws {
        let cluster = try TestCluster()
        #expect(try cluster.get("/version").json["major"] == .string("1"))
        let root = try cluster.get("/openapi/v3").json
        let apps = root.at("paths")["apis/apps/v1"]["serverRelativeURL"].stringValue ?? ""
        #expect(apps.hasPrefix("/openapi/v3/apis/apps/v1"))
        let document = try cluster.get(apps).json
        let patch = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
        #expect(patch["x-kubernetes-group-version-kind"]["kind"] == .string("Deployment"))
        #expect((patch["parameters"].arrayValue ?? []).contains { $0["name"] == .string("fieldValidation") })
        #expect(try cluster.get("/openapi/v2").status == 404)
    }
}
