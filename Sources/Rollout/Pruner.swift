import Build
import JSON
import Logging
import StageSpec
import Store

/// One object that left the inventory and may be deleted.
struct PruneCandidate: Sendable, Equatable {
    var identity: ObjectIdentity
    var apiVersion: String
    var stage: String
}

/// Decides what a fully successful pass prunes: for each recorded stage, what it had minus what
/// any stage holds now. An object that moved to another stage is never a candidate; stages
/// with `prune: false` keep their objects; removed stages go in descending recorded position.
enum PrunePlan {
    static func candidates(previous: Inventory, current: Inventory, stages: [Stage]) -> [PruneCandidate] {
        let claimed = Set(current.stages.flatMap { $0.entries.map(\.id) })
        let specByName = Dictionary(stages.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var surviving: [StageInventory] = []
        var removed: [StageInventory] = []
        for recorded in previous.stages {
            if let stage = specByName[recorded.name] {
                if stage.prune { surviving.append(recorded) }
            } else if recorded.prune {
                removed.append(recorded)
            }
        }
        removed.sort { $0.position > $1.position }
        var result: [PruneCandidate] = []
        for recorded in surviving + removed {
            var stageCandidates: [PruneCandidate] = []
            for entry in recorded.entries where !claimed.contains(entry.id) {
                guard let identity = entry.identity else { continue }
                stageCandidates.append(PruneCandidate(identity: identity, apiVersion: entry.v, stage: recorded.name))
            }
            stageCandidates.sort {
                let left = ApplyPhase.deletionRank(group: $0.identity.group, kind: $0.identity.kind)
                let right = ApplyPhase.deletionRank(group: $1.identity.group, kind: $1.identity.kind)
                return left == right ? $0.identity < $1.identity : left < right
            }
            result += stageCandidates
        }
        return result
    }
}

/// Deletes prune candidates that are still this StageSet's: the live object must carry its
/// owner labels and must not be annotated `prune: disabled`.
struct Pruner: Sendable {
    let cluster: Cluster
    let stageSet: StageSet
    let logger: Logger

    struct Result: Sendable {
        var deleted: [PruneCandidate] = []
        var leftAlone: [PruneCandidate] = []
        var failed: [(PruneCandidate, String)] = []
    }

    func prune(_ candidates: [PruneCandidate]) async -> Result {
        var result = Result()
        for candidate in candidates {
            let object = "\(candidate.identity)"
            do {
                let mapping = try await cluster.mapping(apiVersion: candidate.apiVersion, kind: candidate.identity.kind)
                let namespace = mapping.namespaced ? candidate.identity.namespace : nil
                guard let live = try await cluster.get(mapping, namespace: namespace, name: candidate.identity.name) else {
                    result.deleted.append(candidate)
                    continue
                }
                let labels = live["metadata"]?.objectValue?["labels"]?.objectValue
                guard labels?[OwnerLabels.name]?.stringValue == stageSet.metadata.name,
                    labels?[OwnerLabels.namespace]?.stringValue == stageSet.metadata.namespace
                else {
                    logger.notice("not pruning: the object no longer carries this StageSet's labels (another owner adopted it)",
                        metadata: ["OBJECT": "\(object)", "STAGE": "\(candidate.stage)"])
                    result.leftAlone.append(candidate)
                    continue
                }
                if ObjectAnnotations.pruneDisabled(live) {
                    logger.notice("not pruning: the object is annotated prune: disabled", metadata: ["OBJECT": "\(object)", "STAGE": "\(candidate.stage)"])
                    result.leftAlone.append(candidate)
                    continue
                }
                try await cluster.delete(mapping, namespace: namespace, name: candidate.identity.name)
                logger.notice("object pruned", metadata: ["OBJECT": "\(object)", "STAGE": "\(candidate.stage)", "event": "object-pruned"])
                result.deleted.append(candidate)
            } catch {
                if case .noKindMatch = error.kind {
                    logger.notice("not pruning: the kind is no longer served", metadata: ["OBJECT": "\(object)"])
                    result.leftAlone.append(candidate)
                    continue
                }
                result.failed.append((candidate, error.message))
            }
        }
        return result
    }
}
