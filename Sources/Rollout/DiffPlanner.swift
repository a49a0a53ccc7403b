import Build
import JSON
import Logging
import StageSpec
import Store
import YAML

/// What applying a StageSet now would change, found with server-side dry-run applies.
public struct StageSetDiff: Sendable {
    public enum Change: String, Sendable {
        case create = "created"
        case configure = "configured"
        case unchanged
        case prune = "pruned"
    }

    public struct ObjectChange: Sendable {
        public var stage: String
        public var object: String
        public var change: Change
        /// A unified diff of the live object against the dry-run result (Secret values masked).
        public var diff: String
    }

    public var changes: [ObjectChange]
    public var problems: [String]

    public var hasChanges: Bool { changes.contains { $0.change != .unchanged } }
}

/// Builds every stage, dry-runs each object against the live one, and lists what would be pruned.
public struct DiffPlanner: Sendable {
    public var reconciler: Reconciler

    public init(reconciler: Reconciler) {
        self.reconciler = reconciler
    }

    static let volatileMetadata = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"]

    public func diff(onlyStage: String? = nil) async -> StageSetDiff {
        let stageSet = reconciler.stageSet
        var result = StageSetDiff(changes: [], problems: [])
        let stages = stageSet.spec.stages.filter { onlyStage == nil || $0.name == onlyStage }
        let pins: PinnedSources
        do {
            pins = try await reconciler.renderer.fetcher.pin(stageSet, in: reconciler.configuration, stages: stages)
        } catch {
            result.problems.append("stage \(error.stage): \(error.error)")
            return result
        }
        let decryption: StageDecryption?
        do {
            decryption = try StageDecryption.load(for: stageSet, secrets: reconciler.renderer.secrets, kmsSession: reconciler.kmsSession, additional: reconciler.additionalDecrypters,
                logger: reconciler.logger)
        } catch {
            result.problems.append("\(error)")
            return result
        }
        let cluster: Cluster
        do {
            cluster = try reconciler.connect(stageSet).cluster
        } catch {
            result.problems.append("cannot connect to the cluster: \(error)")
            return result
        }
        var rendered: Set<String> = []
        for stage in stages {
            let stageResult: RenderedStage
            do {
                stageResult = try await reconciler.renderer.render(stage, of: stageSet, in: reconciler.configuration, pins: pins, decryption: decryption)
            } catch {
                result.problems.append("stage \(stage.name): \(error)")
                continue
            }
            let applier = StageApplier(cluster: cluster, stageSet: stageSet, stage: stage, settings: reconciler.settings, logger: reconciler.logger)
            for object in stageResult.objects {
                let desired: DesiredObject
                do {
                    desired = try await applier.prepare(object)
                } catch {
                    result.problems.append("stage \(stage.name): \(error.message)")
                    continue
                }
                rendered.insert(desired.identity.id)
                if desired.policy == .ignore { continue }
                do {
                    let live = try await cluster.get(desired.mapping, namespace: desired.namespace, name: desired.identity.name)
                    if desired.policy == .ifNotPresent, live != nil {
                        result.changes.append(.init(stage: stage.name, object: "\(desired.identity)", change: .unchanged, diff: ""))
                        continue
                    }
                    let after = try await cluster.apply(desired.manifest.value, mapping: desired.mapping, dryRun: true)
                    let before = live.map(normalized) ?? JSONObject()
                    let text = UnifiedDiff.diff(
                        old: live == nil ? "" : YAMLEmitter().emit(.object(before)), new: YAMLEmitter().emit(.object(normalized(after))),
                        oldName: "live/\(desired.identity)", newName: "merged/\(desired.identity)")
                    let change: StageSetDiff.Change = live == nil ? .create : (text.isEmpty ? .unchanged : .configure)
                    result.changes.append(.init(stage: stage.name, object: "\(desired.identity)", change: change, diff: text))
                } catch {
                    result.problems.append("stage \(stage.name): dry-run of \(desired.identity): \(error.message)")
                }
            }
        }
        if let inventory = try? reconciler.state.readInventory() {
            for recorded in inventory.stages where onlyStage == nil || recorded.name == onlyStage {
                let inSpec = stageSet.spec.stages.first { $0.name == recorded.name }
                if !(inSpec?.prune ?? recorded.prune) { continue }
                for entry in recorded.entries where !rendered.contains(entry.id) {
                    result.changes.append(.init(stage: recorded.name, object: entry.identity.map { "\($0)" } ?? entry.id, change: .prune, diff: ""))
                }
            }
        }
        return result
    }

    /// The object without fields the server changes on every write, with Secret values masked.
    func normalized(_ object: JSONObject) -> JSONObject {
        var copy = SecretMasking.masked(object)
        if var metadata = copy["metadata"]?.objectValue {
            for field in Self.volatileMetadata { metadata.removeValue(forKey: field) }
            if var annotations = metadata["annotations"]?.objectValue {
                annotations.removeValue(forKey: "kubectl.kubernetes.io/last-applied-configuration")
                metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
            }
            copy["metadata"] = .object(metadata)
        }
        copy.removeValue(forKey: "status")
        return copy
    }
}
