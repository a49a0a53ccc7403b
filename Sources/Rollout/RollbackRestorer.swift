#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Build
import Fetch
import JSON
import Logging
import StageSpec
import Store

/// Restores a StageSet to its last good snapshot, failing closed: every stage is loaded,
/// decrypted with the keys configured now, and built before anything is applied. Entries come
/// from the encrypted rollback store, or are re-fetched from Git when gone; a JaaS body cannot be
/// re-fetched.
struct RollbackRestorer {
    let reconciler: Reconciler
    let store: RollbackStore
    let cluster: Cluster
    var logger: Logger

    enum Result {
        case restored(revisions: [String])
        /// `PreviousRevisionUnavailable`: nothing of the snapshot could be reproduced faithfully.
        case unavailable(String)
    }

    var stageSet: StageSet { reconciler.stageSet }

    func restore(snapshot: [SnapshotEntry], working: Inventory, stages: [Stage]) async -> (Result, Inventory?) {
        let decryption: StageDecryption?
        do {
            decryption = try StageDecryption.load(for: stageSet, secrets: reconciler.renderer.secrets, kmsSession: reconciler.kmsSession, additional: reconciler.additionalDecrypters,
                logger: logger)
        } catch {
            if case .decryption(_, let cause) = error { logger.error("rollback: cannot load the decryption keys: \(cause)") }
            return (.unavailable("the decryption keys cannot be loaded"), nil)
        }
        // 1. Load and build every stage of the snapshot; any doubt stops here, before the cluster.
        var rebuilt: [(Stage, RenderedStage)] = []
        for stage in stages {
            guard let entry = snapshot.first(where: { $0.stage == stage.name }) else { continue }
            let artifact: SourceArtifact
            switch await load(entry, stage: stage) {
            case .success(let loaded): artifact = loaded
            case .failure(let problem): return (.unavailable(problem.message), nil)
            }
            do {
                rebuilt.append((stage, try await reconciler.renderer.render(stage, of: stageSet, from: artifact, decryption: decryption)))
            } catch {
                if case .decryption(let file, let cause) = error {
                    logger.error("rollback: decryption with the current keys failed for \(file): \(cause)")
                    return (.unavailable("stage \(stage.name) at \(entry.revision): decryption with the current keys failed: \(file)"), nil)
                }
                return (.unavailable("stage \(stage.name) at \(entry.revision) cannot be rebuilt: \(error)"), nil)
            }
        }
        // 2. Apply stage by stage, each waited on.
        var restored = Inventory()
        for (stage, rendered) in rebuilt {
            let position = stageSet.spec.stages.firstIndex { $0.name == stage.name } ?? 0
            let applier = StageApplier(cluster: cluster, stageSet: stageSet, stage: stage, settings: reconciler.settings, logger: logger)
            let deadline = ContinuousClock.now.advanced(by: stageSet.spec.verifyTimeout(of: stage))
            let applied: [AppliedObject]
            do {
                applied = try await applier.apply(rendered.objects, previous: [:], deadline: deadline) { (_: ObjectIdentity) throws(StageFailure) in }
            } catch {
                return (.unavailable("the restored apply of stage \(stage.name) failed: \(error.message)"), nil)
            }
            let waiter = ReadinessWaiter(cluster: cluster, settings: reconciler.settings, logger: logger, stage: stage.name)
            let outcome: WaitOutcome
            do {
                outcome = try await waiter.wait(for: applied.filter { $0.action != .ignored }.map(WaitTarget.init(applied:)), until: deadline)
            } catch {
                return (.unavailable("the restored stage \(stage.name) cannot be verified: \(error.message)"), nil)
            }
            guard outcome == .ready else {
                return (.unavailable("the restored stage \(stage.name) did not become ready: \(outcome)"), nil)
            }
            restored.setStage(StageInventory(name: stage.name, position: position, prune: stage.prune,
                entries: applied.filter { $0.action != .ignored }.map(\.desired.entry)))
        }
        // 3. Prune what the failed revision added, then record the restored inventory.
        let candidates = PrunePlan.candidates(previous: working, current: restored, stages: stageSet.spec.stages)
        let pruned = await Pruner(cluster: cluster, stageSet: stageSet, logger: logger).prune(candidates)
        var final = restored
        for (candidate, _) in pruned.failed {
            var keep = final.stage(candidate.stage) ?? StageInventory(name: candidate.stage, position: Int.max, entries: [])
            keep.entries.append(InventoryEntry(id: candidate.identity.id, v: candidate.apiVersion))
            final.setStage(keep)
        }
        return (.restored(revisions: rebuilt.map(\.1.revision)), final)
    }

    struct LoadProblem: Error {
        var message: String
    }

    /// The stage's files at the snapshot revision: the store entry, else a re-fetch from Git.
    private func load(_ entry: SnapshotEntry, stage: Stage) async -> Swift.Result<SourceArtifact, LoadProblem> {
        let inputs = BuildInputs(path: stage.path, patches: stage.patches.map(\.patch), agentVersion: "")
        if let id = entry.entry {
            do {
                let stored = try store.get(id)
                guard stored.buildInputs.sameBuild(as: inputs) else {
                    return .failure(LoadProblem(message: "the build inputs of stage \(stage.name) (path, patches) changed since \(entry.revision) was applied"))
                }
                var files: [String: [UInt8]] = [:]
                for (path, encoded) in stored.files {
                    guard let bytes = Data(base64Encoded: encoded) else {
                        return .failure(LoadProblem(message: "rollback entry \(id) is corrupted"))
                    }
                    files[path] = Array(bytes)
                }
                return .success(SourceArtifact(source: stored.source, revision: stored.revision, files: FileMap(files)))
            } catch {
                if error.code != .notFound {
                    logger.error("rollback: \(error.message)")
                    return .failure(LoadProblem(message: "the rollback entry of stage \(stage.name) at \(entry.revision) is unusable: \(error.message)"))
                }
                logger.warning("rollback: \(error.message); re-fetching \(entry.revision)")
            }
        }
        guard case .git(var repository)? = reconciler.configuration.source(of: stage), let commit = RevisionText.commit(of: entry.revision) else {
            return .failure(LoadProblem(message: "the rollback entry of stage \(stage.name) is gone and \(entry.revision) cannot be re-fetched (only Git revisions can)"))
        }
        repository.spec.reference = .commit(commit, branch: nil)
        do {
            let git = reconciler.renderer.fetcher.git
            let pin = try await git.pin(repository)
            var artifact = try await git.read(repository, pin: pin, directory: stage.path)
            if StageBuilder.kustomizationFileNames.contains(where: { artifact.files[FileMap.normalizedDirectory(stage.path) + "/" + $0] != nil }) {
                artifact = try await git.read(repository, pin: pin, directory: nil)
            }
            artifact.revision = entry.revision
            return .success(artifact)
        } catch {
            return .failure(LoadProblem(message: "the rollback entry of stage \(stage.name) is gone and \(entry.revision) cannot be re-fetched: \(error)"))
        }
    }
}

/// Reading Flux revision strings.
enum RevisionText {
    /// The commit of `main@sha1:<hex>` or `sha1:<hex>`.
    static func commit(of revision: String) -> String? {
        for prefix in ["@sha1:", "@sha256:"] {
            if let range = revision.firstRange(of: prefix) { return String(revision[range.upperBound...]) }
        }
        for prefix in ["sha1:", "sha256:"] where revision.hasPrefix(prefix) {
            return String(revision.dropFirst(prefix.count))
        }
        return nil
    }
}
