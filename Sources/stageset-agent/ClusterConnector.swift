import Rollout
import StageSpec
import Synchronization

/// Keeps one Kubernetes client per kubeconfig and context for the life of the process, so
/// passes reuse connections and discovery.
enum ClusterConnector {
    private static let sessions = Mutex<[String: ClusterSession]>([:])

    static func session(for stageSet: StageSet, defaultKubeconfig: String?, defaultContext: String?) throws -> ClusterSession {
        let key = "\(stageSet.spec.kubeConfig?.path ?? defaultKubeconfig ?? "")|\(stageSet.spec.kubeConfig?.context ?? defaultContext ?? "")"
        if let existing = sessions.withLock({ $0[key] }) { return existing }
        let session = try ClusterSession.connect(kubeConfig: stageSet.spec.kubeConfig, defaultKubeconfig: defaultKubeconfig, defaultContext: defaultContext)
        sessions.withLock { $0[key] = session }
        return session
    }
}
