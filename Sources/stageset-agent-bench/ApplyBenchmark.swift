import ArgumentParser
import Build
import Foundation
import HostSecrets
import HTTP
import JSON
import Kube
import KubeEmulator
import Logging
import Rollout
import StageSpec
import Store
import Fetch
import YAML
import TestSupport

/// Applies N ConfigMaps in one stage, then runs a no-op pass; compares the agent with
/// `kubectl apply --server-side` on the same files and with the floor: the same apply PATCHes
/// sent by a minimal loop over keep-alive connections at the agent's parallelism.
struct ApplyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Server-side apply of many objects: agent vs kubectl vs floor.")

    @Option(help: "Number of ConfigMaps in the stage.") var objects = 1_000
    @Option(help: "Concurrent applies (the agent's pool size).") var parallelism = 8
    @Flag(help: "Measure the agent only (for profiling): no kubectl, no floor.") var agentOnly = false

    func run() async throws {
        let scratch = try ScratchDirectory("bench-apply")
        let emulatorBinary = try PackagePaths.builtProduct("kube-emulator")
        let port = try Network.freePort()
        let emulator = try BackgroundServer(emulatorBinary, ["--state-dir", scratch.file("emulator"), "--port", String(port),
            "--kubeconfig-out", scratch.file("kubeconfig")], port: port)
        defer { emulator.stop() }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: scratch.file("kubeconfig")) { usleep(50_000) }
        let kubeconfig = scratch.file("kubeconfig")
        let admin = "https://127.0.0.1:\(port)/emulator/v1"

        // The manifests, in a Git repository for the agent and as plain files for kubectl.
        let git = try GitFixture()
        var files = ["stages/app/0-namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n"]
        for index in 0..<objects {
            files["stages/app/cm-\(index).yaml"] = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cm-\(index)
                  namespace: bench
                data:
                  index: "\(index)"
                  payload: "\(String(repeating: "x", count: 64))"

                """
        }
        try git.commit(files)
        let manifests = git.work + "/stages/app"

        func reset() throws {
            _ = try Shell.check("curl", ["-sk", "-X", "POST", "\(admin)/reset"])
        }
        func requestCount() throws -> Int {
            let text = try Shell.check("curl", ["-sk", "\(admin)/counters"])
            let counters = try JSONParser.parse(text)
            return counters["total"]?.numberValue?.intValue ?? (counters["items"]?.arrayValue?.reduce(0) { $0 + ($1["count"]?.numberValue?.intValue ?? 0) } ?? 0)
        }

        // 1. The agent: a full pass, then a no-op pass.
        try reset()
        let configurationText = """
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata: {name: bench, namespace: bench}
            spec:
              stages:
                - name: app
                  sourceRef: {kind: GitRepository, name: config}
                  path: ./stages/app
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: config, namespace: bench}
            spec:
              url: \(git.fileURL)
              interval: 1m
              ref: {branch: main}
            """
        let configuration = try ConfigurationLoader.load(files: [("bench.yaml", Array(configurationText.utf8))])
        let stageSet = configuration.stageSets[0]
        let session = try ClusterSession.connect(kubeConfig: nil, defaultKubeconfig: kubeconfig, defaultContext: nil)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let secrets = HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil)
        let reconciler = Reconciler(
            configuration: configuration, stageSet: stageSet,
            renderer: StageRenderer(fetcher: SourceFetcher(git: GitSource(cacheDirectory: scratch.file("state/git"), secrets: secrets)), secrets: secrets),
            state: StageSetStateStore(stateDirectory: scratch.file("state"), namespace: "bench", name: "bench"),
            settings: RolloutSettings(pollInterval: .milliseconds(100), maximumConcurrentApplies: parallelism), logger: logger,
            connect: { _ in session })
        // Warm the Git cache so the pass measures applying, not cloning.
        _ = try await SourceFetcher(git: GitSource(cacheDirectory: scratch.file("state/git"), secrets: secrets)).pin(stageSet, in: configuration)
        var meter = try CPUMeter(server: emulator.pid)
        var clock = ContinuousClock.now
        let full = await reconciler.reconcile()
        let agentFull = seconds(ContinuousClock.now - clock)
        let agentCPU = try meter.elapsed()
        guard full.isReady else { throw ValidationError("agent pass failed: \(full.message)") }
        let afterFull = try requestCount()
        clock = ContinuousClock.now
        let noOp = await reconciler.reconcile()
        let agentNoOp = seconds(ContinuousClock.now - clock)
        let noOpRequests = try requestCount() - afterFull

        if agentOnly {
            print("stageset-agent pass \(format(agentFull)) s (CPU: agent \(format(agentCPU.client)) s, server \(format(agentCPU.server)) s), "
                + "no-op pass \(format(agentNoOp)) s (\(noOpRequests) API requests)")
            return
        }

        // 2. kubectl apply --server-side on the same files.
        try reset()
        meter = try CPUMeter(server: emulator.pid)
        clock = ContinuousClock.now
        _ = try Shell.check("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "--field-manager", "bench-kubectl", "-f", manifests])
        let kubectlFull = seconds(ContinuousClock.now - clock)
        let kubectlCPU = try meter.elapsed()
        clock = ContinuousClock.now
        _ = try Shell.check("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "--field-manager", "bench-kubectl", "-f", manifests])
        let kubectlNoOp = seconds(ContinuousClock.now - clock)

        // 3. The floor: the same PATCHes (bodies and query) from a minimal loop over keep-alive connections.
        try reset()
        let connection = try ClusterConnection.load(kubeconfig: kubeconfig, context: nil)
        let client = try HTTPClient(configuration: HTTPClientConfiguration(tls: connection.tls, proxy: .none, maxConnectionsPerHost: parallelism))
        let server = connection.server
        let token: String? = {
            if case .bearerToken(let secret) = connection.authentication { return secret.value }
            return nil
        }()
        let bodies = try (["0-namespace.yaml"] + (0..<objects).map { "cm-\($0).yaml" }).map { name -> (String, Data) in
            var object = try require(try YAMLParser.parseDocuments(Array(try String(contentsOfFile: manifests + "/" + name, encoding: .utf8).utf8)).first?.jsonValue())
            // The body the agent sends: the file's object with the owner labels stamped.
            for (label, value) in [(OwnerLabels.name, "bench"), (OwnerLabels.namespace, "bench"), (OwnerLabels.stage, "app")] {
                object.set(.string(value), at: ["metadata", "labels", label])
            }
            let metadata = object["metadata"]
            let path = object["kind"] == "Namespace" ? "/api/v1/namespaces/\(metadata?["name"]?.stringValue ?? "")"
                : "/api/v1/namespaces/bench/configmaps/\(metadata?["name"]?.stringValue ?? "")"
            return (path, Data(JSONSerializer().serialize(object)))
        }
        let patch: @Sendable ((String, Data)) async throws -> Void = { item in
            var request = HTTPRequest(method: .patch, url: URL(string: server + item.0 + "?fieldManager=floor&force=true&fieldValidation=Strict")!, body: item.1)
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/apply-patch+yaml")
            if let token { request.headers.setBearerToken(token) }
            try await client.execute(request).requireSuccess()
        }
        meter = try CPUMeter(server: emulator.pid)
        clock = ContinuousClock.now
        try await patch(bodies[0])
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = bodies.dropFirst().makeIterator()
            for _ in 0..<parallelism { if let item = iterator.next() { group.addTask { try await patch(item) } } }
            while try await group.next() != nil { if let item = iterator.next() { group.addTask { try await patch(item) } } }
        }
        let floor = seconds(ContinuousClock.now - clock)
        let floorCPU = try meter.elapsed()

        print("Server-side apply of \(objects) ConfigMaps + 1 Namespace in one stage, \(parallelism) connections, Kubernetes API emulator")
        printTable([
            ["", "seconds", "vs floor", "vs kubectl", "client CPU s", "server CPU s"],
            ["floor (minimal PATCH loop)", format(floor), "1.00x", format(floor / kubectlFull) + "x", format(floorCPU.client), format(floorCPU.server)],
            ["stageset-agent pass", format(agentFull), format(agentFull / floor) + "x", format(agentFull / kubectlFull) + "x",
             format(agentCPU.client), format(agentCPU.server)],
            ["kubectl apply --server-side", format(kubectlFull), format(kubectlFull / floor) + "x", "1.00x",
             format(kubectlCPU.client), format(kubectlCPU.server)],
            ["stageset-agent no-op pass", format(agentNoOp), "", format(agentNoOp / kubectlNoOp) + "x", "", ""],
            ["kubectl no-op re-apply", format(kubectlNoOp), "", "1.00x", "", ""],
        ])
        print("client CPU: this process and the children it waited for (git, kubectl); server CPU: the emulator")
        print("no-op pass: \(noOpRequests) API requests for \(objects + 1) objects (\(noOp.stages.first?.actions ?? [:]))")
    }
}

/// `#require`-like unwrap for a command-line tool.
func require<Value>(_ value: Value?, _ message: @autoclosure () -> String = "missing value") throws -> Value {
    guard let value else { throw ValidationError(message()) }
    return value
}
