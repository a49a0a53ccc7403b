import Fetch
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
        return Reconciler(
            configuration: configuration, stageSet: stageSet, renderer: renderer(global: global), state: state, settings: settings, logger: logger,
            connect: { stageSet in
                try ClusterConnector.session(for: stageSet, defaultKubeconfig: kubeconfig, defaultContext: context)
            })
    }
}
