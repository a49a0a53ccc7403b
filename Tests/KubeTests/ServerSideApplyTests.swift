import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// Server-side apply and the typed API errors, against the kube emulator.
@Suite struct ServerSideApplyTests {
    static func deployment(image: String = "nginx:1.27", replicas: Int = 2, app: String = "web", namespace: String? = "demo") -> String {
        let namespaceField = namespace.map { #","namespace":"\#($0)""# } ?? ""
        return #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"\#(namespaceField),"labels":{"app":"web"}},"spec":{"replicas":\#(replicas),"selector":{"matchLabels":{"app":"\#(app)"}},"template":{"metadata":{"labels":{"app":"\#(app)"}},"spec":{"containers":[{"name":"web","image":"\#(image)"}]}}}}"#
    }

    static let namespace = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}"#

    @Test func applyCreatesThenUpdatesWithTheRequestShapeOfTheReference() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let createdNamespace = try await client.apply(try object(Self.namespace))
        #expect(createdNamespace.created)

        let created = try await client.apply(try object(Self.deployment()))
        #expect(created.created)
        #expect(created.object.string("metadata.uid")?.isEmpty == false)
        #expect(created.object.at("metadata.managedFields.0.manager")?.stringValue == "stageset-agent")

        let updated = try await client.apply(try object(Self.deployment(image: "nginx:1.28")))
        #expect(!updated.created)
        #expect(updated.object.string("spec.template.spec.containers.0.image") == "nginx:1.28")
        #expect(updated.object.string("metadata.uid") == created.object.string("metadata.uid"))

        let applies = fixture.emulator.requestLog().filter { $0.patchType == "apply" }
        #expect(applies.count == 3)
        let last = try #require(applies.last)
        #expect(last.method == "PATCH")
        #expect(last.path == "/apis/apps/v1/namespaces/demo/deployments/web")
        #expect(last.fieldManager == "stageset-agent")
        #expect(last.query.contains("force=true"))
        #expect(last.query.contains("fieldValidation=Strict"))
        #expect(!last.dryRun)
        #expect(applies.first?.path == "/api/v1/namespaces/demo")
    }

    @Test func namespacedObjectWithoutNamespaceGoesToTheContextNamespace() async throws {
        let fixture = try EmulatorFixture { $0.contextNamespace = "demo" }
        let client = try fixture.client()
        #expect(client.defaultNamespace == "demo")
        _ = try await client.apply(try object(Self.namespace))
        let applied = try await client.apply(try object(Self.deployment(namespace: nil)))
        #expect(applied.object.string("metadata.namespace") == "demo")
        let fetched = try await client.get(ObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: "web"))
        #expect(fetched?.string("metadata.uid") == applied.object.string("metadata.uid"))
    }

    @Test func serverOwnedMetadataIsNotSent() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let first = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"},"data":{"a":"1"}}"#))
        // Re-applying a live object as read back (stale resourceVersion, managedFields, uid) works.
        var live = first.object
        var metadata = try #require(live["metadata"]?.objectValue)
        metadata["resourceVersion"] = "1"
        live["metadata"] = .object(metadata)
        live["data"] = ["a": "2"]
        let second = try await client.apply(live)
        #expect(second.object.string("data.a") == "2")
    }

    @Test func dryRunReturnsTheResultAndChangesNothing() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(Self.namespace))
        let preview = try await client.apply(try object(Self.deployment()), options: ApplyOptions(dryRun: true))
        #expect(preview.object.string("metadata.name") == "web")
        #expect(preview.object.at("spec.replicas")?.numberValue?.intValue == 2)
        #expect(try await client.get(ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "demo", name: "web")) == nil)

        let live = try await client.apply(try object(Self.deployment()))
        let changedPreview = try await client.apply(try object(Self.deployment(replicas: 5)), options: ApplyOptions(dryRun: true))
        #expect(changedPreview.object.at("spec.replicas")?.numberValue?.intValue == 5)
        let after = try #require(try await client.get(ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "demo", name: "web")))
        #expect(after.at("spec.replicas")?.numberValue?.intValue == 2)
        #expect(after.string("metadata.resourceVersion") == live.object.string("metadata.resourceVersion"))
        #expect(fixture.emulator.requestLog().filter(\.dryRun).count == 2)
    }

    @Test func conflictWithAnotherManagerIsTypedWithItsCauses() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(Self.namespace))
        _ = try await client.apply(try object(Self.deployment()), options: ApplyOptions(fieldManager: "kubectl-edit"))
        let error = await #expect(throws: KubeError.self) {
            try await client.apply(try object(Self.deployment(image: "nginx:1.28", replicas: 3)), options: ApplyOptions(force: false))
        }
        #expect(error?.code == .conflict)
        #expect(error?.statusCode == 409)
        #expect(error?.object?.description == "Deployment/demo/web")
        #expect(error?.conflictingManagers == ["kubectl-edit"])
        let fields = Set(error?.causes.compactMap(\.field) ?? [])
        #expect(fields.contains(".spec.replicas"))
        #expect(fields.contains(#".spec.template.spec.containers[name="web"].image"#))
        #expect(error?.causes.allSatisfy { $0.reason == "FieldManagerConflict" } == true, "\(error?.causes ?? [])")
        #expect(error?.message.contains("Deployment/demo/web") == true)

        // The default (force) takes the fields over.
        let forced = try await client.apply(try object(Self.deployment(image: "nginx:1.28", replicas: 3)))
        #expect(forced.object.at("spec.replicas")?.numberValue?.intValue == 3)
    }

    @Test func immutableFieldChangeIsTypedInvalid() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(Self.namespace))
        _ = try await client.apply(try object(Self.deployment()))
        let error = await #expect(throws: KubeError.self) { try await client.apply(try object(Self.deployment(app: "other"))) }
        #expect(error?.code == .invalid)
        #expect(error?.statusCode == 422)
        #expect(error?.isImmutableFieldError == true)
        #expect(error?.causes.contains { $0.field == "spec.selector" } == true)
        #expect(error?.message.contains("field is immutable") == true)
        #expect(fixture.emulator.requestLog().filter { $0.patchType == "apply" }.count == 3)

        let invalid = await #expect(throws: KubeError.self) {
            try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_Valid","namespace":"demo"}}"#))
        }
        #expect(invalid?.code == .invalid)
        #expect(invalid?.isImmutableFieldError == false)
    }

    @Test func forbiddenIsTypedAndKeepsTheServerMessage() async throws {
        let fixture = try EmulatorFixture()
        fixture.emulator.addDenyRule(DenyRule(verb: "patch", group: "", resource: "secrets", namespace: "default"))
        let client = try fixture.client()
        let error = await #expect(throws: KubeError.self) {
            try await client.apply(try object(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"token","namespace":"default"},"stringData":{"k":"v"}}"#))
        }
        #expect(error?.code == .forbidden)
        #expect(error?.isRBACDeniedClass == true)
        #expect(error?.reason == "Forbidden")
        #expect(error?.serverMessage == #"secrets "token" is forbidden: User "admin" cannot patch resource "secrets" in API group "" in the namespace "default""#)
        #expect(error?.message.contains("Secret/default/token") == true)
        // 403 is never retried.
        #expect(fixture.emulator.requestLog().filter { $0.statusCode == 403 }.count == 1)
    }

    @Test func missingNamespaceIsNotFound() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let error = await #expect(throws: KubeError.self) {
            try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"absent"}}"#))
        }
        #expect(error?.code == .notFound)
        #expect(error?.serverMessage?.contains("namespaces \"absent\" not found") == true)
    }

    @Test func strictFieldValidationRejectsUnknownFieldsOfCustomResources() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(DiscoveryTests.widgetCRD))
        let error = await #expect(throws: KubeError.self) {
            try await client.apply(try object(#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"bogus":1}}"#))
        }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("unknown field \"spec.bogus\"") == true)
    }

    @Test func clusterScopedObjectsDropANamespace() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let role = try await client.apply(try object(#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"reader","namespace":"ignored"},"rules":[]}"#))
        #expect(role.object["metadata"]?["namespace"] == nil)
        #expect(fixture.emulator.requestLog().last?.path == "/apis/rbac.authorization.k8s.io/v1/clusterroles/reader")
    }

    @Test func objectsWithoutKindOrNameAreRejectedBeforeAnyRequest() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        for text in [#"{"kind":"ConfigMap","metadata":{"name":"a"}}"#, #"{"apiVersion":"v1","metadata":{"name":"a"}}"#,
                     #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"a-"}}"#] {
            let error = await #expect(throws: KubeError.self) { try await client.apply(try object(text)) }
            #expect(error?.code == .invalidObject)
        }
        #expect(fixture.emulator.requestLog().isEmpty)
    }

    @Test func createAndUpdateUseOptimisticConcurrency() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let created = try await client.create(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"},"data":{"a":"1"}}"#))
        #expect(created.string("metadata.namespace") == "default")
        let duplicate = await #expect(throws: KubeError.self) {
            try await client.create(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"}}"#))
        }
        #expect(duplicate?.code == .alreadyExists)

        var changed = created
        changed["data"] = ["a": "2"]
        let updated = try await client.update(changed)
        #expect(updated.string("data.a") == "2")
        let stale = await #expect(throws: KubeError.self) { try await client.update(changed) }
        #expect(stale?.code == .conflict)

        let generated = try await client.create(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}"#))
        #expect(generated.string("metadata.name")?.hasPrefix("gen-") == true)
    }
}
