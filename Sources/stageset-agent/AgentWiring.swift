import AgeCrypto
import ArgumentParser
import Fetch
import KMS
import Synchronization
import HostSecrets
import Kube
import Logging
import Rollout
import StageSpec
import Store

/// Builds the engine's parts from the command-line options.
enum AgentWiring {
    static func renderer(global: GlobalOptions) -> StageRenderer {
        let secrets = HostSecretStore(secretsDirectory: global.secretsDirectory)
        let git = GitSource(cacheDirectory: global.stateDirectory + "/git", secrets: secrets)
        let jaas = (try? RendererClients()).map { JaaSSource(secrets: secrets, clients: $0) }
        return StageRenderer(fetcher: SourceFetcher(git: git, jaas: jaas), secrets: secrets)
    }

    static func reconciler(for stageSet: StageSet, configuration: Configuration, global: GlobalOptions, cluster: ClusterOptions,
        logger: Logger, settings: RolloutSettings = RolloutSettings()) -> Reconciler
    {
        let state = StageSetStateStore(stateDirectory: global.stateDirectory, namespace: stageSet.metadata.namespace, name: stageSet.metadata.name)
        let kubeconfig = cluster.kubeconfig
        let context = cluster.context
        var reconciler = Reconciler(
            configuration: configuration, stageSet: stageSet, renderer: renderer(global: global), state: state, settings: settings, logger: logger,
            connect: { stageSet in
                try ClusterConnector.session(for: stageSet, defaultKubeconfig: kubeconfig, defaultContext: context)
            })
        reconciler.agentVersion = AgentVersion.current
        reconciler.kmsSession = kmsSession
        reconciler.rollbackRetention = max(1, global.rollbackRetention)
        if let identity = rollbackIdentity(stateDirectory: global.stateDirectory, logger: logger) {
            reconciler.rollbackStore = RollbackStore(stateSetDirectory: state.directory, identity: identity)
        }
        return reconciler
    }

    /// The rollback identity or an error for the command line.
    static func requireIdentity(_ global: GlobalOptions) throws -> AgeX25519Identity {
        do {
            return try RollbackIdentity.load(stateDirectory: global.stateDirectory)
        } catch {
            writeStandardError("the rollback store is unavailable: \(error)\n")
            throw ExitCode.problemsFound
        }
    }

    /// One KMS session for the process: it keeps the HTTP clients and caches credentials and tokens.
    static let kmsSession = KMSSession()

    private static let identities = Mutex<[String: AgeX25519Identity]>([:])

    /// The rollback store identity, loaded (or created) once per state directory.
    static func rollbackIdentity(stateDirectory: String, logger: Logger) -> AgeX25519Identity? {
        if let known = identities.withLock({ $0[stateDirectory] }) { return known }
        do {
            let identity = try RollbackIdentity.load(stateDirectory: stateDirectory)
            identities.withLock { $0[stateDirectory] = identity }
            return identity
        } catch {
            logger.error("the rollback store is unavailable: \(error)")
            return nil
        }
    }
}
