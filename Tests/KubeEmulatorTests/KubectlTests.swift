import Foundation
import Testing
@testable import KubeEmulator

@Suite struct KubectlTests {
    static let manifests: [(String, String)] = [
        ("manifests/00-namespace.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        """),
        ("manifests/10-app.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: demo
          labels: {app: web}
        data:
          greeting: hello
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: demo
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: demo
        spec:
          selector: {app: web}
          ports:
          - port: 80
        """),
    ]

    @Test func kubectlServerSideApplyGetAndDelete() throws {
        let cluster = try TestCluster()
        var directory = ""
        for (name, contents) in Self.manifests {
            let path = try cluster.write(name, contents)
            directory = (path as NSString).deletingLastPathComponent
        }
        // Like the real server, a server dry run cannot create into a namespace that does not exist yet.
        let namespaceFile = directory + "/00-namespace.yaml"
        let (dryStatus, dryOutput, dryErrors) = try cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-f", namespaceFile])
        #expect(dryStatus == 0, "\(dryErrors)")
        #expect(dryOutput.contains("namespace/demo serverside-applied (server dry run)"))
        #expect(try cluster.get("/api/v1/namespaces/demo").status == 404)

        cluster.emulator.resetRequestLog()
        let (status, output, errors) = try cluster.kubectl(["apply", "--server-side", "-f", directory])
        #expect(status == 0, "\(errors)")
        #expect(output.contains("deployment.apps/web serverside-applied"))
        #expect(output.contains("service/web serverside-applied"))
        #expect(cluster.emulator.requestCount(verb: "patch", group: "apps", resource: "deployments", patchType: "apply") == 1)
        #expect(cluster.emulator.requestLog().contains { $0.fieldManager == "kubectl" && $0.query.contains("fieldValidation=Strict") })

        let preview = try cluster.write("preview/app.yaml", Self.manifests[1].1.replacingOccurrences(of: "nginx:1.27", with: "nginx:1.28"))
        let (previewStatus, previewOutput, previewErrors) = try cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-f", preview, "-o", "json"])
        #expect(previewStatus == 0, "\(previewErrors)")
        #expect(previewOutput.contains("nginx:1.28"))
        #expect(try cluster.get("/apis/apps/v1/namespaces/demo/deployments/web").json.at("spec.template.spec.containers.0.image") == .string("nginx:1.27"))

        let (getStatus, getOutput, getErrors) = try cluster.kubectl(["get", "deployment", "web", "-n", "demo", "-o", "json"])
        #expect(getStatus == 0, "\(getErrors)")
        let deployment = try JSONParser.parse(getOutput)
        #expect(deployment.at("status.readyReplicas") == .integer(2))
        #expect(deployment.at("spec.template.spec.containers.0.image") == .string("nginx:1.27"))

        let (tableStatus, table, _) = try cluster.kubectl(["get", "deploy,svc,cm", "-n", "demo"])
        #expect(tableStatus == 0)
        #expect(table.contains("deployment.apps/web"))
        #expect(table.contains("2/2"))
        #expect(table.contains("configmap/settings"))
        let (_, selected, _) = try cluster.kubectl(["get", "cm", "-A", "-l", "app=web", "-o", "name"])
        #expect(selected.trimmingCharacters(in: .whitespacesAndNewlines) == "configmap/settings")

        // A conflicting field manager gets the 409 through kubectl too.
        let changed = try cluster.write("conflict/deploy.yaml", Self.manifests[1].1.replacingOccurrences(of: "replicas: 2", with: "replicas: 4"))
        let (conflictStatus, _, conflictErrors) = try cluster.kubectl(["apply", "--server-side", "--field-manager", "other", "-f", changed])
        #expect(conflictStatus != 0)
        #expect(conflictErrors.contains("conflict"))
        let (forceStatus, _, forceErrors) = try cluster.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager", "other", "-f", changed])
        #expect(forceStatus == 0, "\(forceErrors)")

        let (deleteStatus, deleteOutput, deleteErrors) = try cluster.kubectl(["delete", "namespace", "demo"])
        #expect(deleteStatus == 0, "\(deleteErrors)")
        #expect(deleteOutput.contains("namespace \"demo\" deleted"))
        #expect(try cluster.get("/apis/apps/v1/namespaces/demo/deployments/web").status == 404)
    }

    @Test func kubectlWorksWithTheTokenKubeconfigAndCRDs() throws {
        let cluster = try TestCluster()
        let crd = try cluster.write("crd.json", CustomResourceDefinitionTests.crd)
        let (status, _, errors) = try cluster.kubectl(["apply", "--server-side", "-f", crd], kubeconfig: cluster.emulator.tokenKubeconfigPath)
        #expect(status == 0, "\(errors)")
        let widget = try cluster.write("widget.yaml", """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w1, namespace: default}
        spec: {size: 2}
        """)
        let (widgetStatus, _, widgetErrors) = try cluster.kubectl(["apply", "--server-side", "-f", widget], kubeconfig: cluster.emulator.tokenKubeconfigPath)
        #expect(widgetStatus == 0, "\(widgetErrors)")
        let (getStatus, output, _) = try cluster.kubectl(["get", "wd", "-o", "name"], kubeconfig: cluster.emulator.tokenKubeconfigPath)
        #expect(getStatus == 0)
        #expect(output.contains("widget.example.com/w1"))
    }
}
