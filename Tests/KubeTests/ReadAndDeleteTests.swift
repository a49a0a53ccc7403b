import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// get, list (selectors, namespaces, pagination) and delete (propagation, dry run).
@Suite struct ReadAndDeleteTests {
    static func configMap(_ name: String, namespace: String, labels: [String: String]) -> String {
        let labelText = labels.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
        return #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","namespace":"\#(namespace)","labels":{\#(labelText)}}}"#
    }

    @Test func getReturnsNilForAMissingObject() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        #expect(try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "absent")) == nil)
        #expect(try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "no-such-namespace", name: "absent")) == nil)
        let namespace = try #require(try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", name: "default")))
        #expect(namespace.string("metadata.name") == "default")
    }

    @Test func listFiltersByLabelSelectorAndNamespace() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"other"}}"#))
        _ = try await client.apply(try object(Self.configMap("a", namespace: "default", labels: ["app": "web", "tier": "front"])))
        _ = try await client.apply(try object(Self.configMap("b", namespace: "default", labels: ["app": "web", "tier": "back"])))
        _ = try await client.apply(try object(Self.configMap("c", namespace: "other", labels: ["app": "web"])))
        _ = try await client.apply(try object(Self.configMap("d", namespace: "other", labels: ["app": "db"])))

        func names(_ items: [JSONObject]) -> [String] { items.compactMap { $0.string("metadata.name") }.sorted() }
        let everywhere = try await client.list(apiVersion: "v1", kind: "ConfigMap", labelSelector: "app=web")
        #expect(names(everywhere) == ["a", "b", "c"])
        #expect(everywhere.allSatisfy { $0.string("kind") == "ConfigMap" && $0.string("apiVersion") == "v1" })
        #expect(names(try await client.list(apiVersion: "v1", kind: "ConfigMap", in: .namespace("default"), labelSelector: "app=web,tier!=back")) == ["a"])
        #expect(names(try await client.list(apiVersion: "v1", kind: "ConfigMap", labelSelector: "app in (web,db),!tier")) == ["c", "d"])
        #expect(names(try await client.list(apiVersion: "v1", kind: "ConfigMap", in: .namespace("other"), fieldSelector: "metadata.name=d")) == ["d"])
        let namespaces = try await client.list(apiVersion: "v1", kind: "Namespace", in: .namespace("ignored-for-cluster-scope"))
        #expect(names(namespaces).contains("other"))

        let listRequest = try #require(fixture.emulator.requestLog().last { $0.verb == "list" && $0.resource == "configmaps" })
        #expect(listRequest.query.contains("limit=500"))
    }

    @Test func listFollowsContinueTokens() async throws {
        let server = try LegacyAPIServer()
        let scratch = try ScratchDirectory("pages")
        let path = try scratch.write("config", """
        clusters: [{name: fake, cluster: {server: "\(server.serverURL)"}}]
        users: [{name: u, user: {username: \(server.username), password: \(server.password)}}]
        contexts: [{name: fake, context: {cluster: fake, user: u}}]
        current-context: fake
        """)
        let client = try KubeClient(connection: ClusterConnection.load(kubeconfig: path, environment: [:]),
                                    configuration: testClientConfiguration { $0.listPageSize = 2; $0.retry.maximumAttempts = 2 })
        let items = try await client.list(apiVersion: "v1", kind: "ConfigMap", in: .namespace("team"), labelSelector: "app in (a,b)")
        #expect(items.compactMap { $0.string("metadata.name") } == ["item-0", "item-1", "item-2", "item-3", "item-4"])
        let pages = try await server.requests().filter { $0.hasPrefix("GET /api/v1/namespaces/team/configmaps") }
        #expect(pages == [
            "GET /api/v1/namespaces/team/configmaps?labelSelector=app%20in%20%28a%2Cb%29&limit=2",
            "GET /api/v1/namespaces/team/configmaps?labelSelector=app%20in%20%28a%2Cb%29&limit=2&continue=2",
            "GET /api/v1/namespaces/team/configmaps?labelSelector=app%20in%20%28a%2Cb%29&limit=2&continue=4",
        ])

        // Warning headers reach the caller.
        let widget = try object(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"team"}}"#)
        let applied = try await client.apply(widget)
        #expect(applied.warnings == ["example.com/v1 Widget is deprecated"])
    }

    @Test func deleteWithBackgroundPropagationRemovesDependents() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let owner = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner","namespace":"default"}}"#)).object
        let uid = try #require(owner.string("metadata.uid"))
        let dependent = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dependent","namespace":"default","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"\#(uid)"}]}}"#
        _ = try await client.apply(try object(dependent))
        let ownerReference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "owner")
        let dependentReference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "dependent")

        #expect(try await client.delete(ownerReference, dryRun: true))
        #expect(try await client.get(ownerReference) != nil)

        #expect(try await client.delete(ownerReference))
        #expect(try await client.get(ownerReference) == nil)
        #expect(try await client.get(dependentReference) == nil)
        #expect(try await client.delete(ownerReference) == false)
        let deletes = fixture.emulator.requestLog().filter { $0.verb == "delete" }
        #expect(deletes.map(\.dryRun) == [true, false, false])
    }

    @Test func deleteWithOrphanPropagationKeepsDependents() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let owner = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner","namespace":"default"}}"#)).object
        let uid = try #require(owner.string("metadata.uid"))
        _ = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dependent","namespace":"default","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"\#(uid)"}]}}"#))

        let wrongUID = await #expect(throws: KubeError.self) {
            try await client.delete(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "owner"), preconditionUID: "not-the-uid")
        }
        #expect(wrongUID?.code == .conflict)

        #expect(try await client.delete(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "owner"),
                                        propagation: .orphan, preconditionUID: uid))
        let dependent = try #require(try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "dependent")))
        #expect(dependent.at("metadata.ownerReferences")?.arrayValue?.isEmpty ?? true)
    }

    @Test func foregroundDeleteOfAnObjectWithFinalizersLeavesItTerminating() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","namespace":"default","finalizers":["example.com/hold"]}}"#))
        let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "held")
        #expect(try await client.delete(reference, propagation: .foreground))
        let held = try #require(try await client.get(reference))
        #expect(ObjectStatus.compute(held).status == .terminating)
        #expect(fixture.emulator.requestLog().last { $0.verb == "delete" } != nil)
    }
}
