import ArgumentParser
import Daemon
import Logging
import Rollout
import ServiceLifecycle
import StageSpec

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent as a service: reconcile every StageSet on its interval and when its sources change.",
        discussion: """
            SIGHUP reloads the configuration (an invalid one is refused and the old one keeps running);
            SIGTERM stops after the current write. One agent per state directory.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let logger = AgentLogging.logger(global)
        let global = self.global
        let cluster = self.cluster
        let daemon = AgentDaemon(
            settings: DaemonSettings(stateDirectory: global.stateDirectory, runtimeDirectory: global.runtimeDirectory),
            notifier: AgentNotifier.make(), logger: logger,
            loadConfiguration: { try ConfigurationLoader.load(path: global.configPath) },
            makeReconciler: { stageSet, configuration in
                AgentWiring.reconciler(for: stageSet, configuration: configuration, global: global, cluster: cluster, logger: logger)
            })
        let group = ServiceGroup(configuration: .init(
            services: [DaemonService(daemon: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as DaemonError {
            writeStandardError("\(error)\n")
            throw ExitCode.problemsFound
        }
    }
}

/// The daemon as a swift-service-lifecycle service: graceful shutdown cancels its run.
struct DaemonService: Service {
    let daemon: AgentDaemon

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await daemon.run()
        }
    }
}
