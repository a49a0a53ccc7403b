import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// The real kubectl (same kubeconfig) sees what the client did, and the other way round.
@Suite struct KubectlInteropTests {
    @Test func objectsAppliedByTheClientAreVisibleToKubectl() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client(kubeconfig: fixture.emulator.tokenKubeconfigPath)
        _ = try await client.apply(try object(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}"#))
        _ = try await client.apply(try object(ServerSideApplyTests.deployment().replacingOccurrences(of: "\"demo\"", with: "\"shop\"")))

        let output = try fixture.kubectl(["get", "deployment", "web", "-n", "shop", "-o", "json", "--show-managed-fields"], kubeconfig: fixture.emulator.tokenKubeconfigPath)
        #expect(output.status == 0, "\(output.standardError)")
        let seen = try object(output.standardOutput)
        #expect(seen.string("spec.template.spec.containers.0.image") == "nginx:1.27")
        let managers = (seen.at("metadata.managedFields")?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
        #expect(managers == ["stageset-agent"])

        let names = try fixture.kubectl(["get", "namespaces", "-o", "name"])
        #expect(names.standardOutput.contains("namespace/shop"))
    }

    @Test func kubectlServerSideApplyConflictsWithTheClientsFields() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared","namespace":"default"},"data":{"owner":"agent"}}"#))
        let manifest = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared","namespace":"default"},"data":{"owner":"human"}}"#
        let conflicted = try fixture.kubectl(["apply", "--server-side", "--field-manager", "human", "-f", "-"], input: manifest)
        #expect(conflicted.status != 0)
        #expect(conflicted.standardError.contains("conflict"))

        let forced = try fixture.kubectl(["apply", "--server-side", "--field-manager", "human", "--force-conflicts", "-f", "-"], input: manifest)
        #expect(forced.status == 0, "\(forced.standardError)")

        // Our non-forcing apply now conflicts with kubectl's manager, typed.
        let error = await #expect(throws: KubeError.self) {
            try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared","namespace":"default"},"data":{"owner":"agent"}}"#),
                                   options: ApplyOptions(force: false))
        }
        #expect(error?.conflictingManagers == ["human"])
        #expect(error?.causes.first?.field == ".data.owner")
    }

    @Test func objectsCreatedByKubectlAreListedAndDeletedByTheClient() async throws {
        let fixture = try EmulatorFixture()
        let manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: from-kubectl, namespace: default, labels: {origin: kubectl}}
        data: {a: "1"}
        """
        #expect(try fixture.kubectl(["apply", "-f", "-"], input: manifest).status == 0)
        let client = try fixture.client()
        let listed = try await client.list(apiVersion: "v1", kind: "ConfigMap", labelSelector: "origin=kubectl")
        #expect(listed.compactMap { $0.string("metadata.name") } == ["from-kubectl"])
        #expect(try await client.delete(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "from-kubectl")))
        let after = try fixture.kubectl(["get", "configmap", "from-kubectl", "-n", "default"])
        #expect(after.status != 0)
        #expect(after.standardError.contains("NotFound") || after.standardError.contains("not found"))
    }
}
