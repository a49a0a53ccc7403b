import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// Discovery and REST mapping: aggregated discovery, the legacy fallback, refresh on a miss.
@Suite struct DiscoveryTests {
    static let widgetCRD = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},"versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"}}},"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}"#
    static let gadgetCRD = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.example.com"},"spec":{"group":"example.com","scope":"Cluster","names":{"plural":"gadgets","singular":"gadget","kind":"Gadget"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"#

    @Test func aggregatedDiscoveryMapsBuiltInKindsInTwoRequests() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let deployments = try await client.resource(apiVersion: "apps/v1", kind: "Deployment")
        #expect(deployments == APIResource(group: "apps", version: "v1", kind: "Deployment", name: "deployments", singularName: "deployment",
                                           namespaced: true, verbs: deployments.verbs, shortNames: deployments.shortNames))
        #expect(deployments.verbs.contains("patch"))
        let namespaces = try await client.resource(apiVersion: "v1", kind: "Namespace")
        #expect(!namespaces.namespaced)
        #expect(namespaces.name == "namespaces")
        #expect(try await client.resource(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole").namespaced == false)
        let snapshot = try await client.discovery()
        #expect(snapshot.isAggregated)
        #expect(snapshot.preferredResource(group: "batch", kind: "CronJob")?.version == "v1")
        // /api and /apis, once each, asking for aggregated discovery.
        let log = fixture.emulator.requestLog()
        #expect(log.map(\.path) == ["/api", "/apis"])
    }

    @Test func legacyDiscoveryGivesTheSameMappingAsAggregated() async throws {
        let fixture = try EmulatorFixture()
        let aggregated = try await fixture.client().discovery()
        let legacy = try await fixture.client { $0.discovery = .legacy }.discovery()
        #expect(!legacy.isAggregated)
        #expect(Set(legacy.resources) == Set(aggregated.resources))
        #expect(legacy.preferredVersions == aggregated.preferredVersions)
        #expect(fixture.emulator.requestLog().contains { $0.path == "/apis/apps/v1" })
    }

    @Test func legacyOnlyServerIsReadPerGroupVersionAndABrokenGroupIsTolerated() async throws {
        let server = try LegacyAPIServer()
        let scratch = try ScratchDirectory("legacy")
        let path = try scratch.write("config", """
        clusters: [{name: fake, cluster: {server: "\(server.serverURL)"}}]
        users: [{name: u, user: {username: \(server.username), password: \(server.password)}}]
        contexts: [{name: fake, context: {cluster: fake, user: u, namespace: team}}]
        current-context: fake
        """)
        let client = try KubeClient(connection: ClusterConnection.load(kubeconfig: path, environment: [:]),
                                    configuration: testClientConfiguration { $0.retry.maximumAttempts = 2 })
        let widget = try await client.resource(apiVersion: "example.com/v1", kind: "Widget")
        #expect(widget.name == "widgets")
        #expect(widget.namespaced)
        let snapshot = try await client.discovery()
        #expect(!snapshot.isAggregated)
        #expect(snapshot.failedGroupVersions == ["metrics.k8s.io/v1beta1"])
        #expect(snapshot.resource(group: "", version: "v1", kind: "Namespace")?.namespaced == false)
        #expect(!snapshot.resources.contains { $0.name.contains("/") })

        let error = await #expect(throws: KubeError.self) { try await client.resource(apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics") }
        #expect(error?.code == .noKindMatch)
        #expect(error?.message.contains("discovery of metrics.k8s.io/v1beta1 failed") == true)
        #expect(error?.isRBACDeniedClass == true)

        let requests = try await server.requests()
        #expect(requests.contains("GET /api/v1"))
        #expect(requests.contains("GET /apis/example.com/v1"))
    }

    @Test func customResourceResolvesAfterItsDefinitionIsAppliedThroughARefreshOnMiss() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let widget = try object(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"default"},"spec":{"size":3}}"#)

        // Discovery is cached before the CRD exists.
        _ = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
        let missing = await #expect(throws: KubeError.self) { try await client.apply(widget) }
        #expect(missing?.code == .noKindMatch)
        #expect(missing?.message.contains("Widget/default/w1") == true)

        _ = try await client.apply(try object(Self.widgetCRD))
        fixture.emulator.resetRequestLog()
        let applied = try await client.apply(widget)
        #expect(applied.created)
        #expect(applied.object.string("spec.size") == nil)
        #expect(applied.object.at("spec.size")?.numberValue?.intValue == 3)
        // One refresh (/api + /apis), then the apply.
        #expect(fixture.emulator.requestLog().map(\.path) == ["/api", "/apis", "/apis/example.com/v1/namespaces/default/widgets/w1"])
    }

    @Test func concurrentMissesShareOneRefresh() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.discovery()
        _ = try await client.apply(try object(Self.gadgetCRD))
        fixture.emulator.resetRequestLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    let gadget = try await client.resource(apiVersion: "example.com/v1", kind: "Gadget")
                    #expect(!gadget.namespaced)
                }
            }
            try await group.waitForAll()
        }
        #expect(fixture.emulator.requestLog().map(\.path) == ["/api", "/apis"])
    }

    @Test func invalidateDiscoveryForcesANewRead() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.resource(apiVersion: "v1", kind: "Secret")
        _ = try await client.resource(apiVersion: "v1", kind: "Secret")
        #expect(fixture.emulator.requestLog().count == 2)
        await client.invalidateDiscovery()
        _ = try await client.resource(apiVersion: "v1", kind: "Secret")
        #expect(fixture.emulator.requestLog().count == 4)
    }

    @Test func unknownKindIsNoKindMatch() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let error = await #expect(throws: KubeError.self) { try await client.resource(apiVersion: "apps/v1", kind: "Gizmo") }
        #expect(error?.code == .noKindMatch)
        #expect(error?.isRBACDeniedClass == true)
        #expect(error?.message.contains("no matches for kind \"Gizmo\" in version \"apps/v1\"") == true)
    }
}
