import Logging
import StageSpec
import Store

extension Reconciler {
    /// Rolls back by hand: to the last good snapshot, or to the newest stored entry of each stage
    /// at `revision`. The same checks as an automatic rollback apply (fail closed with
    /// `PreviousRevisionUnavailable`); the revisions pinned now are parked so the daemon does not
    /// re-apply them until a source or the configuration changes, or `reconcile --force`.
    public func rollBack(to revision: String? = nil) async -> PassOutcome {
        var logger = self.logger
        logger[metadataKey: "STAGESET"] = "\(stageSet.key)"
        guard let store = rollbackStore else {
            return PassOutcome(reason: .previousRevisionUnavailable, message: "the rollback store is not available", retry: .untilChange)
        }
        var status = (try? state.readStatus()) ?? StageSetStatus(stageSet: "\(stageSet.key)")
        var target: [SnapshotEntry]
        if let revision {
            let entries: [RollbackEntrySummary]
            do {
                entries = try store.list()
            } catch {
                return PassOutcome(reason: .previousRevisionUnavailable, message: "\(error)", retry: .untilChange)
            }
            target = []
            for stage in stageSet.spec.stages {
                guard let entry = entries.filter({ $0.stage == stage.name && $0.revision == revision }).max(by: { $0.createdAt < $1.createdAt }) else {
                    return PassOutcome(reason: .previousRevisionUnavailable, message: "stage \(stage.name) has no stored entry at \(revision)",
                        retry: .untilChange)
                }
                target.append(SnapshotEntry(stage: stage.name, revision: entry.revision, entry: entry.id))
            }
        } else {
            guard let snapshot = status.lastAppliedSnapshot, !snapshot.isEmpty else {
                return PassOutcome(reason: .previousRevisionUnavailable, message: "there is no last good snapshot to roll back to", retry: .untilChange)
            }
            target = snapshot
        }
        let cluster: Cluster
        do {
            cluster = try connect(stageSet).cluster
        } catch {
            return PassOutcome(reason: .invalidSpec, message: "cannot connect to the cluster: \(error)", retry: .untilChange)
        }
        let working = (try? state.readInventory()) ?? Inventory()
        let restorer = RollbackRestorer(reconciler: self, store: store, cluster: cluster, logger: logger)
        let (result, inventory) = await restorer.restore(snapshot: target, working: working, stages: stageSet.spec.stages)
        switch result {
        case .unavailable(let problem):
            status.setReady(.falseStatus, reason: .previousRevisionUnavailable, message: "manual rollback impossible: \(problem)")
            try? state.writeStatus(status)
            logger.error("manual rollback impossible: \(problem)", metadata: ["REASON": "PreviousRevisionUnavailable", "event": "rollback-failed"])
            return PassOutcome(reason: .previousRevisionUnavailable, message: "manual rollback impossible: \(problem)", retry: .untilChange)
        case .restored(let revisions):
            if let inventory { try? state.writeInventory(inventory) }
            let restoredText = Set(revisions).sorted().joined(separator: ", ")
            let message = "rolled back by hand to \(restoredText)"
            status.parked = ParkedRevisions(revisions: status.lastAttemptedRevisions, configurationDigest: configurationDigest, message: message)
            status.lastAppliedSnapshot = target
            for entry in target {
                var stageStatus = status.stage(entry.stage) ?? StageStatus(name: entry.stage, phase: .ready)
                stageStatus.phase = .ready
                stageStatus.revision = entry.revision
                stageStatus.appliedRevision = entry.revision
                stageStatus.message = "rolled back by hand"
                status.setStage(stageStatus, order: stageSet.spec.stages.map(\.name))
            }
            status.setReady(.falseStatus, reason: .stageFailed, message: message)
            try? state.writeStatus(status)
            logger.warning("\(message)", metadata: ["event": "rolled-back", "REVISION": "\(restoredText)"])
            return PassOutcome(reason: .stageFailed, message: message, retry: .untilChange)
        }
    }
}
