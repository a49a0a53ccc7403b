import StageSpec
import JSON
import Kube

/// How a kind is served: its plural resource name and scope, from discovery.
struct ResourceMapping: Sendable, Hashable {
    var group: String
    var version: String
    var kind: String
    var plural: String
    var namespaced: Bool

    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// A cluster answer the engine acts on, reduced to what decides the StageSet reason.
struct ClusterFailure: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case notFound
        /// 403, or a kind the server does not serve: the StageSet controller's `RBACDenied`.
        case forbidden
        case noKindMatch
        /// 422; `immutable` when the change touches a field that cannot be updated.
        case invalid(immutable: Bool)
        case conflict
        /// 429, 5xx, timeouts, transport errors that outlived the client's retries.
        case unavailable
        case other
    }

    var kind: Kind
    var message: String

    var description: String { message }

    var isForbidden: Bool {
        switch kind {
        case .forbidden, .noKindMatch: return true
        default: return false
        }
    }
}

/// The cluster operations the stage engine uses, over the project's Kubernetes client.
struct Cluster: Sendable {
    let client: KubeClient

    func mapping(apiVersion: String, kind: String) async throws(ClusterFailure) -> ResourceMapping {
        do {
            let resource = try await client.resource(apiVersion: apiVersion, kind: kind)
            return ResourceMapping(group: resource.group, version: resource.version, kind: resource.kind, plural: resource.name,
                namespaced: resource.namespaced)
        } catch {
            throw Self.failure(error)
        }
    }

    /// Every listable kind the server serves, at its preferred version (subresources excluded).
    func listableKinds() async throws(ClusterFailure) -> [ResourceMapping] {
        do {
            let snapshot = try await client.discovery()
            var seen = Set<String>()
            var result: [ResourceMapping] = []
            for resource in snapshot.resources where resource.verbs.contains("list") && !resource.name.contains("/") {
                let preferred = snapshot.preferredVersions[resource.group] ?? resource.version
                guard resource.version == preferred, seen.insert("\(resource.group)/\(resource.kind)").inserted else { continue }
                result.append(ResourceMapping(group: resource.group, version: resource.version, kind: resource.kind, plural: resource.name,
                    namespaced: resource.namespaced))
            }
            return result
        } catch {
            throw Self.failure(error)
        }
    }

    func refreshDiscovery() async {
        await client.invalidateDiscovery()
    }

    func apply(_ object: JSONObject, mapping: ResourceMapping, dryRun: Bool = false) async throws(ClusterFailure) -> JSONObject {
        do {
            return try await client.apply(object, options: ApplyOptions(dryRun: dryRun)).object
        } catch {
            throw Self.failure(error)
        }
    }

    func get(_ mapping: ResourceMapping, namespace: String?, name: String) async throws(ClusterFailure) -> JSONObject? {
        do {
            return try await client.get(reference(mapping, namespace: namespace, name: name))
        } catch {
            throw Self.failure(error)
        }
    }

    func list(_ mapping: ResourceMapping, labelSelector: String) async throws(ClusterFailure) -> [JSONObject] {
        do {
            return try await client.list(apiVersion: mapping.apiVersion, kind: mapping.kind, in: .allNamespaces, labelSelector: labelSelector)
        } catch {
            throw Self.failure(error)
        }
    }

    /// Deletes in the background; with `uid`, only the object that still has that identity.
    func delete(_ mapping: ResourceMapping, namespace: String?, name: String, uid: String? = nil) async throws(ClusterFailure) {
        do {
            try await client.delete(reference(mapping, namespace: namespace, name: name), propagation: .background, preconditionUID: uid)
        } catch {
            throw Self.failure(error)
        }
    }

    private func reference(_ mapping: ResourceMapping, namespace: String?, name: String) -> Kube.ObjectReference {
        Kube.ObjectReference(apiVersion: mapping.apiVersion, kind: mapping.kind, namespace: mapping.namespaced ? namespace : nil, name: name)
    }

    static func failure(_ error: KubeError) -> ClusterFailure {
        switch error.code {
        case .notFound: return ClusterFailure(kind: .notFound, message: error.message)
        case .forbidden: return ClusterFailure(kind: .forbidden, message: error.message)
        case .noKindMatch: return ClusterFailure(kind: .noKindMatch, message: error.message)
        case .invalid:
            return ClusterFailure(kind: .invalid(immutable: error.isImmutableFieldError), message: error.message)
        case .conflict: return ClusterFailure(kind: .conflict, message: error.message)
        case .tooManyRequests, .serverError, .timeout, .transport: return ClusterFailure(kind: .unavailable, message: error.message)
        default: return ClusterFailure(kind: .other, message: error.message)
        }
    }
}

/// kstatus readiness of a live object, reduced to what a stage wait needs.
enum ObjectReadiness {
    enum State: Sendable {
        case current
        case inProgress
        case failed
        case terminating
        case unknown
    }

    struct Result: Sendable {
        var state: State
        var message: String
    }

    static func evaluate(_ object: JSONObject) -> Result {
        let result = ObjectStatus.compute(object)
        switch result.status {
        case .current: return Result(state: .current, message: result.message)
        case .inProgress: return Result(state: .inProgress, message: result.message)
        case .failed: return Result(state: .failed, message: result.message)
        case .terminating: return Result(state: .terminating, message: result.message)
        case .notFound, .unknown: return Result(state: .unknown, message: result.message)
        }
    }
}

/// A connection to the cluster a StageSet targets.
public struct ClusterSession: Sendable {
    let cluster: Cluster

    public init(client: KubeClient) {
        cluster = Cluster(client: client)
    }
}

extension ClusterSession {
    /// Connects to the cluster of a StageSet: `spec.kubeConfig.path` (+ `context`), else the
    /// agent's `--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config` — kubectl's rules.
    public static func connect(kubeConfig: KubeConfigReference?, defaultKubeconfig: String?, defaultContext: String?,
        configuration: KubeClient.Configuration = KubeClient.Configuration()) throws -> ClusterSession
    {
        let path = kubeConfig?.path ?? defaultKubeconfig
        let context = kubeConfig == nil ? defaultContext : kubeConfig?.context
        return ClusterSession(client: try KubeClient(kubeconfig: path, context: context, configuration: configuration))
    }
}
