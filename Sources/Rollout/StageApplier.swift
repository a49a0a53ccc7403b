import Build
import JSON
import Logging
import StageSpec
import Store

/// What happened to one object during apply.
enum ObjectAction: String, Sendable {
    case created
    case configured
    case unchanged
    case recreated
    /// `IfNotPresent` object that already existed, or an immutable conflict under `KeepExisting`.
    case leftAsIs = "left as is"
    /// `Ignore`d object.
    case ignored
}

struct AppliedObject: Sendable {
    var desired: DesiredObject
    /// The live object after the apply (or as listed, when nothing was sent).
    var live: JSONObject?
    var action: ObjectAction
}

/// Why a stage stopped, with the StageSet reason it maps to.
struct StageFailure: Error, Sendable, CustomStringConvertible {
    var reason: StatusReason
    var message: String

    var description: String { message }

    static func from(_ failure: ClusterFailure, doing action: String) -> StageFailure {
        let reason: StatusReason = failure.isForbidden ? .rbacDenied : .stageFailed
        return StageFailure(reason: reason, message: "\(action): \(failure.message)")
    }
}

/// Applies one stage's objects with server-side apply: definitions first (waiting until CRDs
/// are Established), then the rest concurrently over a bounded pool; unchanged objects are not
/// sent again; immutable-field conflicts follow the stage's conflict policy.
struct StageApplier: Sendable {
    let cluster: Cluster
    let stageSet: StageSet
    let stage: Stage
    let settings: RolloutSettings
    let logger: Logger

    var ownerSelector: String {
        "\(OwnerLabels.name)=\(stageSet.metadata.name),\(OwnerLabels.namespace)=\(stageSet.metadata.namespace)"
    }

    /// Applies every object; `claim` is called for each object identity before anything is sent.
    func apply(_ objects: [ManifestObject], previous: [String: InventoryEntry], deadline: ContinuousClock.Instant,
        claim: (ObjectIdentity) throws(StageFailure) -> Void) async throws(StageFailure) -> [AppliedObject]
    {
        var results: [AppliedObject] = []
        for phase in ApplyPhase.allCases {
            let phaseObjects = objects.filter { ApplyPhase.of($0) == phase }
            if phaseObjects.isEmpty { continue }
            if phase == .workloads { await cluster.refreshDiscovery() }
            var desired: [DesiredObject] = []
            for object in phaseObjects {
                let prepared = try await prepare(object)
                try claim(prepared.identity)
                desired.append(prepared)
            }
            let applied = try await applyAll(desired, previous: previous)
            results += applied
            if phase == .definitions {
                let definitions = applied.filter { $0.desired.manifest.kind == "CustomResourceDefinition" && $0.action != .ignored }
                if !definitions.isEmpty {
                    try await waitForDefinitions(definitions, deadline: deadline)
                }
            }
        }
        return results
    }

    /// Resolves the object's resource, defaults its namespace, and decides its policies.
    func prepare(_ object: ManifestObject) async throws(StageFailure) -> DesiredObject {
        var manifest = object
        let mapping: ResourceMapping
        do {
            mapping = try await cluster.mapping(apiVersion: object.apiVersion, kind: object.kind)
        } catch {
            throw StageFailure.from(error, doing: "\(object.displayName) (\(object.file))")
        }
        if mapping.namespaced {
            if manifest.namespace == nil || manifest.namespace == "" { manifest.setNamespace(stageSet.metadata.namespace) }
        } else if manifest.namespace != nil {
            var metadata = manifest.metadata
            metadata.removeValue(forKey: "namespace")
            manifest.value["metadata"] = .object(metadata)
        }
        let identity = ObjectIdentity(namespace: mapping.namespaced ? (manifest.namespace ?? "") : "", name: manifest.name,
            group: mapping.group, kind: mapping.kind)
        let policy = ObjectAnnotations.policy(of: manifest)
        let conflict = ObjectAnnotations.conflictDecision(for: manifest, namespace: manifest.namespace, policy: stage.conflictPolicy)
        return DesiredObject(manifest: manifest, mapping: mapping, identity: identity, policy: policy, conflict: conflict,
            digest: ObjectDigest.of(manifest.value))
    }

    private func applyAll(_ desired: [DesiredObject], previous: [String: InventoryEntry]) async throws(StageFailure) -> [AppliedObject] {
        // One list per kind finds what is already live, so unchanged objects cost no request.
        var live: [ObjectIdentity: JSONObject] = [:]
        var mappings: [ResourceMapping] = []
        for object in desired where !mappings.contains(object.mapping) { mappings.append(object.mapping) }
        for mapping in mappings {
            let listed: [JSONObject]
            do {
                listed = try await cluster.list(mapping, labelSelector: ownerSelector)
            } catch {
                if error.isForbidden { continue }
                throw StageFailure.from(error, doing: "list \(mapping.plural)")
            }
            for object in listed {
                let metadata = object["metadata"]?.objectValue
                let identity = ObjectIdentity(namespace: metadata?["namespace"]?.stringValue ?? "", name: metadata?["name"]?.stringValue ?? "",
                    group: mapping.group, kind: mapping.kind)
                live[identity] = object
            }
        }
        let applier = self
        let liveObjects = live
        return try await concurrentMap(desired, limit: settings.maximumConcurrentApplies) { (object: DesiredObject) throws(StageFailure) -> AppliedObject in
            try await applier.applyOne(object, live: liveObjects[object.identity], previousDigest: previous[object.identity.id]?.digest)
        }
    }

    private func applyOne(_ object: DesiredObject, live: JSONObject?, previousDigest: String?) async throws(StageFailure) -> AppliedObject {
        switch object.policy {
        case .ignore:
            return AppliedObject(desired: object, live: live, action: .ignored)
        case .ifNotPresent:
            var existing = live
            if existing == nil {
                do {
                    existing = try await cluster.get(object.mapping, namespace: object.namespace, name: object.identity.name)
                } catch {
                    throw StageFailure.from(error, doing: "get \(object.identity)")
                }
            }
            if let existing { return AppliedObject(desired: object, live: existing, action: .leftAsIs) }
        case .apply:
            if let live, previousDigest == object.digest, LiveObjectComparison.isUnchanged(object.manifest.value, live: live) {
                return AppliedObject(desired: object, live: live, action: .unchanged)
            }
        }
        do {
            let result = try await cluster.apply(object.manifest.value, mapping: object.mapping)
            return AppliedObject(desired: object, live: result, action: live == nil ? .created : .configured)
        } catch {
            guard case .invalid(immutable: true) = error.kind else {
                throw StageFailure.from(error, doing: "apply \(object.identity) (\(object.manifest.file))")
            }
            return try await resolveConflict(object, error: error, live: live)
        }
    }

    private func resolveConflict(_ object: DesiredObject, error: ClusterFailure, live: JSONObject?) async throws(StageFailure) -> AppliedObject {
        switch object.conflict.action {
        case .fail:
            throw StageFailure(reason: .stageFailed, message:
                "apply \(object.identity): \(error.message) (conflict policy Fail; set conflictPolicy Recreate or KeepExisting, or annotate \(ObjectAnnotations.stageForce))")
        case .keepExisting:
            logger.warning("immutable field changed; keeping the existing object (conflict policy KeepExisting)",
                metadata: ["OBJECT": "\(object.identity)", "STAGE": "\(stage.name)"])
            return AppliedObject(desired: object, live: live, action: .leftAsIs)
        case .recreate:
            if object.conflict.blockedByDataLoss {
                throw StageFailure(reason: .stageFailed, message:
                    "apply \(object.identity): \(error.message); recreating a \(object.identity.kind) deletes its data: set allowDataLoss: true on the conflict rule to allow it")
            }
            logger.notice("immutable field changed; deleting and re-creating the object", metadata: ["OBJECT": "\(object.identity)", "STAGE": "\(stage.name)"])
            do throws(ClusterFailure) {
                try await cluster.delete(object.mapping, namespace: object.namespace, name: object.identity.name)
                let gone = ContinuousClock.now.advanced(by: settings.recreateTimeout)
                while try await cluster.get(object.mapping, namespace: object.namespace, name: object.identity.name) != nil {
                    guard ContinuousClock.now < gone else {
                        throw ClusterFailure(kind: .other, message: "the old object was not gone after \(settings.recreateTimeout)")
                    }
                    try? await Task.sleep(for: settings.pollInterval)
                }
                let result = try await cluster.apply(object.manifest.value, mapping: object.mapping)
                return AppliedObject(desired: object, live: result, action: .recreated)
            } catch {
                throw StageFailure.from(error, doing: "recreate \(object.identity)")
            }
        }
    }

    private func waitForDefinitions(_ definitions: [AppliedObject], deadline: ContinuousClock.Instant) async throws(StageFailure) {
        let limit = min(deadline, ContinuousClock.now.advanced(by: settings.definitionTimeout))
        let waiter = ReadinessWaiter(cluster: cluster, settings: settings, logger: logger, stage: stage.name)
        let outcome = try await waiter.wait(for: definitions.map { WaitTarget(applied: $0) }, until: limit)
        switch outcome {
        case .ready: return
        case .failed(let message), .timedOut(let message):
            throw StageFailure(reason: .stageFailed, message: "CustomResourceDefinitions not established: \(message)")
        }
    }
}
