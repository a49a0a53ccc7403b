#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Build
import Fetch
import JSON
import KMS
import Logging
import SOPS
import StageSpec
import Store
import Timestamps

/// One reconcile pass of one StageSet: pin every source, then per stage in order render, apply,
/// record the inventory durably, and wait until ready; after a fully successful pass, prune.
/// Status is written atomically to the state directory as the pass moves on.
public struct Reconciler: Sendable {
    public var configuration: Configuration
    public var stageSet: StageSet
    public var renderer: StageRenderer
    public var state: StageSetStateStore
    public var settings: RolloutSettings
    public var logger: Logger
    /// Connects to the StageSet's cluster; a failure is reported as `InvalidSpec`.
    public var connect: @Sendable (StageSet) throws -> ClusterSession
    /// Cloud KMS clients with ambient credentials (one session per process: it caches credentials).
    public var kmsSession: KMSSession?
    /// Further master-key decrypters.
    public var additionalDecrypters: [any MasterKeyDecrypter] = []
    /// The encrypted rollback store; `nil` disables snapshots and rollback.
    public var rollbackStore: RollbackStore?
    /// Distinct revisions kept per stage in the rollback store.
    public var rollbackRetention = RollbackStore.defaultRetention
    /// The agent version recorded in rollback entries.
    public var agentVersion = "unknown"

    public init(
        configuration: Configuration, stageSet: StageSet, renderer: StageRenderer, state: StageSetStateStore, settings: RolloutSettings,
        logger: Logger, connect: @escaping @Sendable (StageSet) throws -> ClusterSession
    ) {
        self.configuration = configuration
        self.stageSet = stageSet
        self.renderer = renderer
        self.state = state
        self.settings = settings
        self.logger = logger
        self.connect = connect
    }

    /// Runs the pass; `onlyStage` limits it to one stage (others and their objects are left alone);
    /// `force` applies revisions a rollback parked.
    public func reconcile(onlyStage: String? = nil, force: Bool = false) async -> PassOutcome {
        var logger = self.logger
        logger[metadataKey: "STAGESET"] = "\(stageSet.key)"
        var run = PassRun(reconciler: self, logger: logger)
        return await run.execute(onlyStage: onlyStage, force: force)
    }

    /// A digest of the StageSet and its sources: a parked revision is retried once it changes.
    public var configurationDigest: String {
        let sources = stageSet.spec.stages.map { configuration.source(of: $0).map { "\($0)" } ?? "" }
        return ObjectDigest.of(text: "\(stageSet.metadata)|\(stageSet.spec)|\(sources)")
    }
}

/// The mutable bookkeeping of one pass.
struct PassRun {
    let reconciler: Reconciler
    var logger: Logger
    var status: StageSetStatus
    var stageOutcomes: [StageOutcome] = []
    var pinnedRevisions: [String: String] = [:]

    init(reconciler: Reconciler, logger: Logger) {
        self.reconciler = reconciler
        self.logger = logger
        reconciler.state.removeInterruptedWrites()
        let loaded = try? reconciler.state.readStatus()
        status = loaded ?? StageSetStatus(stageSet: "\(reconciler.stageSet.key)")
    }

    var stageSet: StageSet { reconciler.stageSet }
    var stageNames: [String] { stageSet.spec.stages.map(\.name) }

    mutating func finish(_ reason: StatusReason, _ message: String, pruned: [String] = [], retry: RetryAdvice? = nil) -> PassOutcome {
        status.setReady(reason == .succeeded ? .trueStatus : .falseStatus, reason: reason, message: message)
        status.lastReconcileTime = RFC3339.now()
        saveStatus()
        var metadata: Logger.Metadata = ["REASON": "\(reason.rawValue)"]
        if reason == .succeeded {
            logger.info("\(message)", metadata: metadata)
        } else {
            metadata["event"] = "pass-failed"
            logger.error("\(message)", metadata: metadata)
        }
        let advice: RetryAdvice
        switch reason {
        case .succeeded, .suspended: advice = .steady
        case .stageProgressing, .sourceNotReady, .artifactNotFound: advice = .wait
        case .invalidSpec, .previousRevisionUnavailable: advice = .untilChange
        case .stageFailed, .rbacDenied: advice = .backoff
        }
        return PassOutcome(reason: reason, message: message, stages: stageOutcomes, pruned: pruned, retry: retry ?? advice,
            revisions: pinnedRevisions)
    }

    mutating func saveStatus() {
        do {
            try reconciler.state.writeStatus(status)
        } catch {
            logger.error("cannot write the status file: \(error)")
        }
    }

    mutating func setStage(_ name: String, _ phase: StagePhase, revision: String?, message: String = "", entries: Int? = nil) {
        var stageStatus = status.stage(name) ?? StageStatus(name: name, phase: phase)
        if stageStatus.phase != phase { stageStatus.lastTransitionTime = RFC3339.now() }
        stageStatus.phase = phase
        stageStatus.revision = revision
        stageStatus.message = message
        if phase == .ready { stageStatus.appliedRevision = revision }
        if let entries { stageStatus.entriesCount = entries }
        status.setStage(stageStatus, order: stageNames)
        saveStatus()
    }

    mutating func execute(onlyStage: String?, force: Bool) async -> PassOutcome {
        if stageSet.spec.suspend {
            return finish(.suspended, "Reconciliation is suspended (spec.suspend: true)")
        }
        let stages = stageSet.spec.stages.filter { onlyStage == nil || $0.name == onlyStage }

        // Pin every source first: one unresolvable source stops the pass before the cluster is touched.
        let pins: PinnedSources
        do {
            pins = try await reconciler.renderer.fetcher.pin(stageSet, in: reconciler.configuration, stages: stages)
        } catch {
            return finish(PassRun.reason(for: error.error), "stage \(error.stage): \(error.error)",
                retry: error.error.code == .renderFailed ? .untilChange : nil)
        }
        for stage in stages {
            if let source = reconciler.configuration.source(of: stage), let revision = pins.revision(of: stage) {
                status.lastAttemptedRevisions[Self.sourceName(source)] = revision
                pinnedRevisions[Self.sourceName(source)] = revision
            }
        }
        let digest = reconciler.configurationDigest
        status.configurationDigest = digest
        if let parked = status.parked {
            if parked.revisions == pinnedRevisions && parked.configurationDigest == digest && !force {
                saveStatus()
                return finish(.stageFailed, parked.message + " (parked since \(parked.since); a new revision, a configuration change or reconcile --force retries it)",
                    retry: .untilChange)
            }
            logger.info("the parked revisions are released: \(force ? "forced by the operator" : "a source revision or the configuration changed")")
            status.parked = nil
        }
        saveStatus()

        let decryption: StageDecryption?
        do {
            decryption = try StageDecryption.load(for: stageSet, secrets: reconciler.renderer.secrets, kmsSession: reconciler.kmsSession, additional: reconciler.additionalDecrypters, logger: logger)
        } catch {
            if case .decryption(_, let cause) = error { logger.error("cannot load the decryption keys: \(cause)") }
            return finish(.stageFailed, "stage \(stages.first?.name ?? ""): \(error)")
        }

        let connection: ClusterSession
        do {
            connection = try reconciler.connect(stageSet)
        } catch {
            return finish(.invalidSpec, "cannot connect to the cluster: \(error)")
        }
        let cluster = connection.cluster

        let previousInventory: Inventory?
        do {
            previousInventory = try reconciler.state.readInventory()
        } catch {
            return finish(.stageFailed, "the inventory cannot be read: \(error)")
        }
        let reconstruct = previousInventory == nil && status.stages.contains { $0.appliedRevision != nil }
        if reconstruct {
            logger.warning("the inventory is missing although stages were applied before: rebuilding it from the cluster's labels; prune is deferred for this pass",
                metadata: ["event": "inventory-reconstructed"])
        }
        var working = previousInventory ?? Inventory()
        var current = Inventory()
        var claims: [ObjectIdentity: String] = [:]
        var appliedRevisions: [String: String] = [:]
        var snapshotEntries: [SnapshotEntry] = []

        for stage in stages {
            let position = stageSet.spec.stages.firstIndex { $0.name == stage.name } ?? 0
            var stageLogger = logger
            stageLogger[metadataKey: "STAGE"] = "\(stage.name)"
            let revision = pins.revision(of: stage)
            if let revision { stageLogger[metadataKey: "REVISION"] = "\(revision)" }
            setStage(stage.name, .applying, revision: revision)

            let rendered: RenderedStage
            do {
                rendered = try await reconciler.renderer.render(stage, of: stageSet, in: reconciler.configuration, pins: pins, decryption: decryption)
            } catch {
                if case .decryption(_, let cause) = error {
                    stageLogger.error("decryption failed: \(cause)")
                }
                return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: .stageFailed, message: "\(error)"))
            }
            for skipped in rendered.skipped {
                stageLogger.info("skipped \(skipped)")
            }

            let deadline = ContinuousClock.now.advanced(by: stageSet.spec.verifyTimeout(of: stage))
            let applier = StageApplier(cluster: cluster, stageSet: stageSet, stage: stage, settings: reconciler.settings, logger: stageLogger)
            let previousEntries = Dictionary((working.stage(stage.name)?.entries ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let applied: [AppliedObject]
            do {
                applied = try await applier.apply(rendered.objects, previous: previousEntries, deadline: deadline) { (identity: ObjectIdentity) throws(StageFailure) in
                    if let owner = claims[identity], owner != stage.name {
                        throw StageFailure(reason: .invalidSpec, message: "\(identity) is claimed by two stages: \(owner) and \(stage.name)")
                    }
                    claims[identity] = stage.name
                }
            } catch {
                return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: error.reason, message: error.message))
            }
            var counts: [String: Int] = [:]
            for object in applied {
                counts[object.action.rawValue, default: 0] += 1
                if object.action == .created || object.action == .configured || object.action == .recreated {
                    stageLogger.debug("object \(object.action.rawValue)", metadata: ["OBJECT": "\(object.desired.identity)"])
                }
            }
            let entries = applied.filter { $0.action != .ignored }.map(\.desired.entry)

            var recorded = previousEntries
            if reconstruct {
                for entry in await labelledEntries(cluster: cluster, stage: stage, objects: applied) { recorded[entry.id] = entry }
            }
            for entry in entries { recorded[entry.id] = entry }
            // Write-ahead: the union of old and new objects is on disk before anything is awaited.
            working.setStage(StageInventory(name: stage.name, position: position, prune: stage.prune, entries: recorded.values.sorted { $0.id < $1.id }))
            do {
                try reconciler.state.writeInventory(working)
            } catch {
                return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: .stageFailed, message: "cannot record the inventory: \(error)"))
            }
            let kept = reconstruct ? recorded.values.sorted { $0.id < $1.id } : entries
            current.setStage(StageInventory(name: stage.name, position: position, prune: stage.prune, entries: kept))
            stageLogger.info("stage applied: \(Self.summary(counts))", metadata: ["event": "stage-applied"])

            setStage(stage.name, .verifying, revision: revision, entries: entries.count)
            var targets = stage.readyChecks.disableWait ? [] : applied.filter { $0.action != .ignored }.map(WaitTarget.init(applied:))
            for check in stage.readyChecks.checks {
                var target = WaitTarget(check: check)
                if target.namespace == nil { target.namespace = stageSet.metadata.namespace }
                targets.append(target)
            }
            let waiter = ReadinessWaiter(cluster: cluster, settings: reconciler.settings, logger: stageLogger, stage: stage.name)
            let outcome: WaitOutcome
            do {
                outcome = try await waiter.wait(for: targets, until: deadline)
            } catch {
                return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: error.reason, message: error.message))
            }
            switch outcome {
            case .ready:
                setStage(stage.name, .ready, revision: revision, entries: entries.count)
                stageOutcomes.append(StageOutcome(name: stage.name, phase: .ready, revision: revision, message: "", actions: counts))
                stageLogger.info("stage ready", metadata: ["event": "stage-ready"])
                snapshotEntries.append(storeSnapshot(rendered, stage: stage))
                if let source = reconciler.configuration.source(of: stage), let revision {
                    appliedRevisions[Self.sourceName(source)] = revision
                }
            case .failed(let message):
                return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: .stageFailed, message: "an object failed: \(message)", actions: counts))
            case .timedOut(let message):
                let timeout = GoDuration.format(stageSet.spec.verifyTimeout(of: stage))
                if stageSet.spec.timeoutAction(of: stage) == .hold {
                    return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: .stageProgressing, message: "still progressing after \(timeout): \(message)",
                        phase: .progressing, actions: counts))
                }
                return await rollBackIfWanted(cluster: cluster, working: working, stages: stages, failStage(stage, revision: revision, reason: .stageFailed, message: "not ready after \(timeout) (onTimeout: Rollback): \(message)",
                    actions: counts))
            }
        }

        // Full success: prune what left the inventory (deferred when the inventory was rebuilt).
        var pruned: [String] = []
        var final = current
        if let previousInventory, !reconstruct {
            var candidates = PrunePlan.candidates(previous: previousInventory, current: onlyStage == nil ? current : merged(current, previousInventory),
                stages: stageSet.spec.stages)
            if let onlyStage { candidates = candidates.filter { $0.stage == onlyStage } }
            let result = await Pruner(cluster: cluster, stageSet: stageSet, logger: logger).prune(candidates)
            pruned = result.deleted.map { "\($0.identity)" }
            for (candidate, _) in result.failed {
                var keep = final.stage(candidate.stage) ?? previousInventory.stage(candidate.stage)
                    .map { StageInventory(name: $0.name, position: $0.position, prune: $0.prune, entries: []) }
                    ?? StageInventory(name: candidate.stage, position: Int.max, entries: [])
                keep.entries.append(InventoryEntry(id: candidate.identity.id, v: candidate.apiVersion))
                final.setStage(keep)
            }
            if onlyStage != nil { final = merged(final, previousInventory) }
            do {
                try reconciler.state.writeInventory(final)
            } catch {
                return finish(.stageFailed, "cannot record the inventory after prune: \(error)", pruned: pruned)
            }
            if !result.failed.isEmpty {
                let details = result.failed.prefix(3).map { "\($0.0.identity): \($0.1)" }.joined(separator: "; ")
                return finish(.stageFailed, "prune failed for \(result.failed.count) object(s): \(details)", pruned: pruned)
            }
        } else {
            do {
                try reconciler.state.writeInventory(onlyStage == nil ? final : merged(final, working))
            } catch {
                return finish(.stageFailed, "cannot record the inventory: \(error)")
            }
        }
        for (source, revision) in appliedRevisions { status.lastAppliedRevisions[source] = revision }
        var snapshot = status.lastAppliedSnapshot ?? []
        if onlyStage == nil { snapshot = [] }
        for entry in snapshotEntries {
            snapshot.removeAll { $0.stage == entry.stage }
            snapshot.append(entry)
        }
        snapshot.removeAll { entry in !stageSet.spec.stages.contains { $0.name == entry.stage } }
        snapshot.sort { a, b in
            (stageSet.spec.stages.firstIndex { $0.name == a.stage } ?? 0) < (stageSet.spec.stages.firstIndex { $0.name == b.stage } ?? 0)
        }
        status.lastAppliedSnapshot = snapshot
        if let store = reconciler.rollbackStore {
            do {
                try store.applyRetention(keep: reconciler.rollbackRetention, protected: Set(snapshot.compactMap(\.entry)))
            } catch {
                logger.warning("rollback store retention failed: \(error)")
            }
        }
        let revisions = Set(stages.compactMap { pins.revision(of: $0) }).sorted().joined(separator: ", ")
        return finish(.succeeded, "Applied and verified \(stages.count) stage(s) at \(revisions)", pruned: pruned)
    }

    /// After a stage failed: with `rollbackOnFailure`, restore the last good snapshot and park the
    /// failed revisions, or report `PreviousRevisionUnavailable` when it cannot be reproduced.
    mutating func rollBackIfWanted(cluster: Cluster, working: Inventory, stages: [Stage], _ failure: PassOutcome) async -> PassOutcome {
        guard failure.reason == .stageFailed, stageSet.spec.rollbackOnFailure, let store = reconciler.rollbackStore,
            let snapshot = status.lastAppliedSnapshot, !snapshot.isEmpty
        else { return failure }
        let snapshotRevisions = Set(snapshot.map(\.revision))
        if snapshotRevisions == Set(pinnedRevisions.values) {
            logger.notice("not rolling back: the failed pass ran the snapshot's own revisions")
            return failure
        }
        logger.warning("rolling back to the last good snapshot: \(snapshotRevisions.sorted().joined(separator: ", "))", metadata: ["event": "rollback-started"])
        let restorer = RollbackRestorer(reconciler: reconciler, store: store, cluster: cluster, logger: logger)
        let (result, inventory) = await restorer.restore(snapshot: snapshot, working: working, stages: stageSet.spec.stages)
        switch result {
        case .unavailable(let problem):
            logger.error("rollback impossible: \(problem)", metadata: ["REASON": "PreviousRevisionUnavailable", "event": "rollback-failed"])
            return finish(.previousRevisionUnavailable, "\(failure.message); rollback impossible: \(problem)")
        case .restored(let revisions):
            if let inventory {
                do {
                    try reconciler.state.writeInventory(inventory)
                } catch {
                    logger.error("cannot record the restored inventory: \(error)")
                }
            }
            let restoredText = Set(revisions).sorted().joined(separator: ", ")
            let failedText = Set(pinnedRevisions.values).sorted().joined(separator: ", ")
            let message = "\(failure.message) (failed at \(failedText)); rolled back to \(restoredText)"
            status.parked = ParkedRevisions(revisions: pinnedRevisions, configurationDigest: reconciler.configurationDigest, message: message)
            for entry in snapshot {
                setStage(entry.stage, .ready, revision: entry.revision, message: "rolled back")
            }
            logger.warning("rolled back to \(restoredText)", metadata: ["event": "rolled-back", "REVISION": "\(restoredText)"])
            return finish(.stageFailed, message, retry: .untilChange)
        }
    }

    /// Keeps a stage's fetched files in the rollback store; returns its snapshot entry.
    mutating func storeSnapshot(_ rendered: RenderedStage, stage: Stage) -> SnapshotEntry {
        guard let store = reconciler.rollbackStore else { return SnapshotEntry(stage: stage.name, revision: rendered.revision, entry: nil) }
        var sourceURL = ""
        switch reconciler.configuration.source(of: stage) {
        case .git(let repository): sourceURL = repository.spec.url
        case .jsonnet(let snippet): sourceURL = snippet.spec.renderer.url
        case nil: break
        }
        let entry = RollbackEntry(
            stageSet: "\(stageSet.key)", stage: stage.name, revision: rendered.revision, source: rendered.fetched.source, sourceURL: sourceURL,
            buildInputs: BuildInputs(path: stage.path, patches: stage.patches.map(\.patch), agentVersion: reconciler.agentVersion),
            files: rendered.fetched.files.files.mapValues { Data($0).base64EncodedString() })
        do {
            let summary = try store.put(entry)
            return SnapshotEntry(stage: stage.name, revision: rendered.revision, entry: summary.id)
        } catch {
            logger.warning("cannot write the rollback entry: \(error)", metadata: ["STAGE": "\(stage.name)", "event": "rollback-store-failed"])
            return SnapshotEntry(stage: stage.name, revision: rendered.revision, entry: nil)
        }
    }

    /// `current` plus the recorded stages it does not mention (used when only one stage ran).
    func merged(_ current: Inventory, _ previous: Inventory) -> Inventory {
        var result = current
        for stage in previous.stages where current.stage(stage.name) == nil { result.setStage(stage) }
        return result
    }

    mutating func failStage(_ stage: Stage, revision: String?, reason: StatusReason, message: String, phase: StagePhase = .failed,
        actions: [String: Int] = [:]) -> PassOutcome
    {
        setStage(stage.name, phase, revision: revision, message: message)
        stageOutcomes.append(StageOutcome(name: stage.name, phase: phase, revision: revision, message: message, actions: actions))
        var failureLogger = logger
        failureLogger[metadataKey: "STAGE"] = "\(stage.name)"
        if let revision { failureLogger[metadataKey: "REVISION"] = "\(revision)" }
        failureLogger.error("stage failed: \(message)", metadata: ["REASON": "\(reason.rawValue)", "event": "stage-failed"])
        return finish(reason, "stage \(stage.name): \(message)")
    }

    /// Live objects that carry this stage's labels, in every kind the server lists — the kinds the
    /// stage renders now and the ones it rendered before (inventory rebuild).
    func labelledEntries(cluster: Cluster, stage: Stage, objects: [AppliedObject]) async -> [InventoryEntry] {
        var mappings: [ResourceMapping] = (try? await cluster.listableKinds()) ?? []
        for object in objects where !mappings.contains(object.desired.mapping) { mappings.append(object.desired.mapping) }
        let selector = "\(OwnerLabels.name)=\(stageSet.metadata.name),\(OwnerLabels.namespace)=\(stageSet.metadata.namespace),\(OwnerLabels.stage)=\(stage.name)"
        var entries: [InventoryEntry] = []
        for mapping in mappings {
            guard let listed = try? await cluster.list(mapping, labelSelector: selector) else { continue }
            for object in listed {
                let metadata = object["metadata"]?.objectValue
                guard let name = metadata?["name"]?.stringValue else { continue }
                entries.append(InventoryEntry(namespace: metadata?["namespace"]?.stringValue, name: name, group: mapping.group,
                    kind: mapping.kind, apiVersion: mapping.apiVersion))
            }
        }
        return entries
    }

    /// The StageSet reason for a source that could not be pinned.
    static func reason(for error: SourceError) -> StatusReason {
        switch error.code {
        case .notFound: return .artifactNotFound
        case .renderFailed, .tooLarge, .unsafeContent, .pathNotFound: return .stageFailed
        default: return .sourceNotReady
        }
    }

    static func sourceName(_ source: Source) -> String {
        source.displayName
    }

    static func summary(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
