import Build
import JSON
import StageSpec
import Store

/// How the apply of one object is governed, from Flux's per-object annotations.
enum ApplyPolicy: Sendable, Equatable {
    case apply
    /// `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent`: create when absent, never update.
    case ifNotPresent
    /// `kustomize.toolkit.fluxcd.io/ssa: Ignore`: leave the object alone entirely.
    case ignore
}

/// The answer to an immutable-field conflict for one object, and whether it may destroy data.
struct ConflictDecision: Sendable, Equatable {
    var action: ConflictAction
    /// Set when a rule chose Recreate for a PersistentVolume(Claim) without `allowDataLoss`.
    var blockedByDataLoss: Bool
}

/// One object of a stage, resolved against discovery and ready to apply.
struct DesiredObject: Sendable {
    var manifest: ManifestObject
    var mapping: ResourceMapping
    var identity: ObjectIdentity
    var policy: ApplyPolicy
    var conflict: ConflictDecision
    var digest: String

    var entry: InventoryEntry { InventoryEntry(id: identity.id, v: manifest.apiVersion, digest: digest) }
    var namespace: String? { mapping.namespaced ? identity.namespace : nil }
}

enum ObjectAnnotations {
    static let ssa = "kustomize.toolkit.fluxcd.io/ssa"
    static let fluxForce = "kustomize.toolkit.fluxcd.io/force"
    static let stageForce = "stages.metio.wtf/force"
    static let prune = "stages.metio.wtf/prune"
    static let fluxPrune = "kustomize.toolkit.fluxcd.io/prune"

    static func policy(of object: ManifestObject) -> ApplyPolicy {
        switch object.annotation(ssa)?.lowercased() {
        case "ifnotpresent": return .ifNotPresent
        case "ignore": return .ignore
        default: return .apply
        }
    }

    /// Precedence as in the StageSet controller: a force annotation, then the first matching
    /// rule, then the stage default (`force: true` makes the default Recreate).
    static func conflictDecision(for object: ManifestObject, namespace: String?, policy: ConflictPolicy) -> ConflictDecision {
        if let force = object.annotation(stageForce), !force.isEmpty {
            return ConflictDecision(action: .recreate, blockedByDataLoss: false)
        }
        if object.annotation(fluxForce)?.lowercased() == "enabled" {
            return ConflictDecision(action: .recreate, blockedByDataLoss: false)
        }
        for rule in policy.rules
        where rule.target.matches(apiVersion: object.apiVersion, kind: object.kind, name: object.name, namespace: namespace) {
            let isVolume = object.group.isEmpty && (object.kind == "PersistentVolumeClaim" || object.kind == "PersistentVolume")
            return ConflictDecision(action: rule.action, blockedByDataLoss: rule.action == .recreate && isVolume && !rule.allowDataLoss)
        }
        return ConflictDecision(action: policy.defaultAction, blockedByDataLoss: false)
    }

    /// Whether prune must leave the live object alone.
    static func pruneDisabled(_ live: JSONObject) -> Bool {
        let annotations = live["metadata"]?.objectValue?["annotations"]?.objectValue
        return annotations?[prune]?.stringValue?.lowercased() == "disabled" || annotations?[fluxPrune]?.stringValue?.lowercased() == "disabled"
    }
}
