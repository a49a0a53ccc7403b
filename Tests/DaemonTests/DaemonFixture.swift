import Daemon
import Fetch
import Foundation
import HostSecrets
import Kube
import KubeEmulator
import Logging
import Rollout
import StageSpec
import Store
import Synchronization
import TestSupport

/// Records every notification in order.
final class RecordingNotifier: ServiceNotifier {
    let events = Mutex<[String]>([])
    let interval: Duration?

    init(watchdogInterval: Duration? = nil) { interval = watchdogInterval }

    func ready() { events.withLock { $0.append("READY") } }
    func reloading() { events.withLock { $0.append("RELOADING") } }
    func stopping() { events.withLock { $0.append("STOPPING") } }
    func status(_ line: String) { events.withLock { $0.append("STATUS=" + line) } }
    func watchdog() { events.withLock { $0.append("WATCHDOG") } }
    var watchdogInterval: Duration? { interval }

    var recorded: [String] { events.withLock { $0 } }
}

/// A daemon over a real Git repository and the Kubernetes API emulator, with a config directory
/// the test can rewrite and reload.
final class DaemonFixture: @unchecked Sendable {
    let git: GitFixture
    let scratch: ScratchDirectory
    let emulator: KubeEmulator
    let session: ClusterSession
    let notifier: RecordingNotifier
    var daemon: AgentDaemon!
    var task: Task<Void, Error>?
    let gitExecutable: String

    init(watchdogInterval: Duration? = nil, gitWrapper: Bool = false) throws {
        git = try GitFixture()
        scratch = try ScratchDirectory("daemon")
        emulator = try KubeEmulator.start(.init(stateDirectory: scratch.file("emulator")))
        session = try ClusterSession.connect(kubeConfig: nil, defaultKubeconfig: emulator.kubeconfigPath, defaultContext: nil)
        notifier = RecordingNotifier(watchdogInterval: watchdogInterval)
        if gitWrapper {
            gitExecutable = try scratch.write("git-wrapper", "#!/bin/sh\necho \"$1\" >> \(scratch.file("git.log"))\nexec git \"$@\"\n", mode: 0o755)
        } else {
            gitExecutable = "git"
        }
        try git.commit(["stages/app/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n",
            "stages/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  value: one\n"])
    }

    deinit {
        task?.cancel()
        emulator.stop()
    }

    func writeConfig(interval: String = "1h", sourceInterval: String = "1h", extra: String = "") throws {
        try scratch.write("config/edge.yaml", """
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata: {name: edge, namespace: demo}
            spec:
              interval: \(interval)
              \(extra)
              stages:
                - name: app
                  sourceRef: {kind: GitRepository, name: config}
                  path: ./stages/app
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: config, namespace: demo}
            spec:
              url: \(git.fileURL)
              interval: \(sourceInterval)
              ref: {branch: main}
            """)
    }

    var gitLog: [String] {
        ((try? String(contentsOfFile: scratch.file("git.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func start(schedule: PassSchedule = PassSchedule(minimumBackoff: .milliseconds(200), maximumBackoff: .seconds(2))) {
        let configPath = scratch.file("config")
        let stateDirectory = scratch.file("state")
        let secrets = HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil)
        let session = self.session
        let gitExecutable = self.gitExecutable
        var logger = Logger(label: "daemon-test")
        logger.logLevel = .critical
        let quietLogger = logger
        daemon = AgentDaemon(
            settings: DaemonSettings(stateDirectory: stateDirectory, runtimeDirectory: scratch.file("run"), schedule: schedule,
                supervisionInterval: .milliseconds(50)),
            notifier: notifier, logger: quietLogger,
            loadConfiguration: { try ConfigurationLoader.load(path: configPath) },
            makeReconciler: { stageSet, configuration in
                let fetcher = SourceFetcher(git: GitSource(cacheDirectory: stateDirectory + "/git", secrets: secrets, gitExecutable: gitExecutable))
                return Reconciler(configuration: configuration, stageSet: stageSet, renderer: StageRenderer(fetcher: fetcher, secrets: secrets),
                    state: StageSetStateStore(stateDirectory: stateDirectory, namespace: stageSet.metadata.namespace, name: stageSet.metadata.name),
                    settings: RolloutSettings(pollInterval: .milliseconds(50)), logger: quietLogger, connect: { _ in session })
            })
        let daemon = self.daemon!
        task = Task { try await daemon.run() }
    }

    func stop() async throws {
        task?.cancel()
        try await task?.value
    }

    var controlSocket: String { scratch.file("run/control.sock") }

    func status() -> StageSetStatus? {
        try? StageSetStateStore(stateDirectory: scratch.file("state"), namespace: "demo", name: "edge").readStatus()
    }

    /// Waits (bounded) until `condition` holds.
    func eventually(_ what: String, within seconds: Double = 30, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("timed out waiting until \(what)")
    }

    func live(_ name: String) -> String? {
        emulator.objectJSON(group: "", resource: "configmaps", namespace: "demo", name: name)
    }
}
