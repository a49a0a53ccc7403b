import AgeCrypto
import Fetch
import Foundation
import HostSecrets
import JSON
import Kube
import KubeEmulator
import Logging
import StageSpec
import Store
import TestSupport
@testable import Rollout

/// A real Git repository, the Kubernetes API emulator and a state directory, wired to the
/// stage engine the way the agent wires them.
final class RolloutFixture: @unchecked Sendable {
    let git: GitFixture
    let scratch: ScratchDirectory
    let emulator: KubeEmulator
    let session: ClusterSession
    var rollbackRetention = 10
    var gitExecutable = "git"
    lazy var rollbackIdentity: AgeX25519Identity = try! RollbackIdentity.load(stateDirectory: scratch.file("state"), credentialsDirectory: nil)
    var settings = RolloutSettings(pollInterval: .milliseconds(50), definitionTimeout: .seconds(15), recreateTimeout: .seconds(10))

    init() throws {
        git = try GitFixture()
        scratch = try ScratchDirectory("rollout")
        emulator = try KubeEmulator.start(.init(stateDirectory: scratch.file("emulator")))
        var configuration = KubeClient.Configuration()
        configuration.retry = RetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200), deadline: .seconds(20))
        session = try ClusterSession.connect(kubeConfig: nil, defaultKubeconfig: emulator.kubeconfigPath, defaultContext: nil, configuration: configuration)
    }

    deinit { emulator.stop() }

    /// The StageSet `edge` in namespace `demo` with the given spec, reading this fixture's repository.
    func configuration(_ spec: String, ref: String = "branch: main", extraDocuments: String = "") throws -> Configuration {
        let indented = spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        let text = """
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: edge
              namespace: demo
            spec:
            \(indented)
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: config
              namespace: demo
            spec:
              url: \(git.fileURL)
              interval: 1m
              ref:
                \(ref)
            \(extraDocuments.isEmpty ? "" : "---\n" + extraDocuments)
            """
        return try ConfigurationLoader.load(files: [("edge.yaml", Array(text.utf8))])
    }

    var state: StageSetStateStore { StageSetStateStore(stateDirectory: scratch.file("state"), namespace: "demo", name: "edge") }

    func reconciler(_ configuration: Configuration) -> Reconciler {
        let secrets = HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil)
        let jaas = JaaSSource(secrets: secrets, clients: try! RendererClients())
        let renderer = StageRenderer(fetcher: SourceFetcher(git: GitSource(cacheDirectory: scratch.file("state/git"), secrets: secrets,
            gitExecutable: gitExecutable), jaas: jaas),
            secrets: secrets)
        let session = self.session
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var reconciler = Reconciler(configuration: configuration, stageSet: configuration.stageSets[0], renderer: renderer, state: state,
            settings: settings, logger: logger, connect: { _ in session })
        reconciler.rollbackStore = RollbackStore(stateSetDirectory: state.directory, identity: rollbackIdentity)
        reconciler.rollbackRetention = rollbackRetention
        reconciler.agentVersion = "test"
        return reconciler
    }

    func reconcile(_ spec: String, onlyStage: String? = nil) async throws -> PassOutcome {
        await reconciler(try configuration(spec)).reconcile(onlyStage: onlyStage)
    }

    /// The live object as the emulator stores it.
    func live(_ resource: String, group: String = "", namespace: String = "demo", _ name: String) -> JSONObject? {
        guard let text = emulator.objectJSON(group: group, resource: resource, namespace: namespace, name: name) else { return nil }
        return (try? JSONParser.parse(text))?.objectValue
    }

    func status() throws -> StageSetStatus? { try state.readStatus() }
    func inventory() throws -> Inventory? { try state.readInventory() }
}

/// Manifests used across the tests.
enum Manifests {
    static func namespace(_ name: String) -> String {
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(name)\n"
    }

    static func configMap(_ name: String, data: String = "a", annotations: [String: String] = [:], namespace: String? = nil) -> String {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n"
        if let namespace { text += "  namespace: \(namespace)\n" }
        if !annotations.isEmpty {
            text += "  annotations:\n" + annotations.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        }
        return text + "data:\n  value: \"\(data)\"\n"
    }

    static func deployment(_ name: String, image: String = "nginx:1.27", readiness: String? = nil, selector: String = "web") -> String {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \(name)\n"
        if let readiness { text += "  annotations:\n    \(Readiness.annotation): \"\(readiness)\"\n" }
        return text + """
            spec:
              replicas: 2
              selector:
                matchLabels: {app: \(selector)}
              template:
                metadata:
                  labels: {app: \(selector)}
                spec:
                  containers:
                    - name: web
                      image: \(image)

            """
    }

    static let widgetDefinition = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true

        """

    static func widget(_ name: String) -> String {
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: \(name)\nspec:\n  size: 3\n"
    }
}

/// The spec of a StageSet whose stages read `stages/<name>` of the repository.
func stagesSpec(_ names: [String], extra: String = "", stageExtra: [String: String] = [:]) -> String {
    var text = extra.isEmpty ? "" : extra + "\n"
    text += "stages:\n"
    for name in names {
        text += "  - name: \(name)\n    sourceRef: {kind: GitRepository, name: config}\n    path: ./stages/\(name)\n"
        if let more = stageExtra[name] {
            text += more.split(separator: "\n").map { "    " + $0 + "\n" }.joined()
        }
    }
    return text
}
