import Timestamps

/// The status of one StageSet, as the StageSet controller reports it: one `Ready` condition
/// with the controller's reason strings, per-stage phases, pinned and applied revisions.
public struct StageSetStatus: Codable, Sendable, Equatable {
    public var stageSet: String
    public var conditions: [StatusCondition]
    /// Source (`GitRepository/ns/name`) → revision pinned at the start of the last pass.
    public var lastAttemptedRevisions: [String: String]
    /// The same for the last fully successful pass.
    public var lastAppliedRevisions: [String: String]
    public var stages: [StageStatus]
    public var lastReconcileTime: String?
    /// A digest of the configuration the last pass used (the host's `observedGeneration`).
    public var configurationDigest: String?
    /// The rollback target: per stage, the revision and store entry of the last fully successful pass.
    public var lastAppliedSnapshot: [SnapshotEntry]?
    /// Revisions a rollback left behind: not applied again until a pinned revision or the
    /// configuration changes, or an operator forces a pass.
    public var parked: ParkedRevisions?

    public init(stageSet: String) {
        self.stageSet = stageSet
        conditions = []
        lastAttemptedRevisions = [:]
        lastAppliedRevisions = [:]
        stages = []
    }

    public var ready: StatusCondition? { conditions.first { $0.type == "Ready" } }

    /// Sets the Ready condition; the transition time changes only when status or reason does.
    public mutating func setReady(_ status: ConditionStatus, reason: StatusReason, message: String, now: String = RFC3339.now()) {
        let previous = ready
        let changed = previous?.status != status || previous?.reason != reason.rawValue
        let condition = StatusCondition(
            type: "Ready", status: status, reason: reason.rawValue, message: message,
            lastTransitionTime: changed ? now : (previous?.lastTransitionTime ?? now))
        conditions.removeAll { $0.type == "Ready" }
        conditions.append(condition)
    }

    public func stage(_ name: String) -> StageStatus? { stages.first { $0.name == name } }

    /// Replaces or adds one stage's status, keeping the order of `order`.
    public mutating func setStage(_ stage: StageStatus, order: [String]) {
        stages.removeAll { $0.name == stage.name }
        stages.append(stage)
        stages.sort { (order.firstIndex(of: $0.name) ?? Int.max) < (order.firstIndex(of: $1.name) ?? Int.max) }
    }
}

public enum ConditionStatus: String, Codable, Sendable {
    case trueStatus = "True"
    case falseStatus = "False"
    case unknown = "Unknown"
}

public struct StatusCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: ConditionStatus
    public var reason: String
    public var message: String
    public var lastTransitionTime: String
}

/// The StageSet controller's wire-stable reasons that the agent can report.
public enum StatusReason: String, Codable, Sendable, CaseIterable {
    case succeeded = "Succeeded"
    case suspended = "Suspended"
    case invalidSpec = "InvalidSpec"
    case sourceNotReady = "SourceNotReady"
    case artifactNotFound = "ArtifactNotFound"
    case stageFailed = "StageFailed"
    case stageProgressing = "StageProgressing"
    case rbacDenied = "RBACDenied"
    case previousRevisionUnavailable = "PreviousRevisionUnavailable"
}

public enum StagePhase: String, Codable, Sendable {
    case pending = "Pending"
    case applying = "Applying"
    case verifying = "Verifying"
    case ready = "Ready"
    case failed = "Failed"
    case progressing = "Progressing"
}

public struct StageStatus: Codable, Sendable, Equatable {
    public var name: String
    public var phase: StagePhase
    public var revision: String?
    /// The revision last applied and verified.
    public var appliedRevision: String?
    public var message: String
    public var entriesCount: Int
    public var lastTransitionTime: String

    public init(name: String, phase: StagePhase, revision: String? = nil, appliedRevision: String? = nil, message: String = "",
        entriesCount: Int = 0, lastTransitionTime: String = RFC3339.now())
    {
        self.name = name
        self.phase = phase
        self.revision = revision
        self.appliedRevision = appliedRevision
        self.message = message
        self.entriesCount = entriesCount
        self.lastTransitionTime = lastTransitionTime
    }
}

/// One stage of the last good snapshot.
public struct SnapshotEntry: Codable, Sendable, Equatable {
    public var stage: String
    public var revision: String
    /// The rollback store entry id (absent when the entry could not be written).
    public var entry: String?

    public init(stage: String, revision: String, entry: String?) {
        self.stage = stage
        self.revision = revision
        self.entry = entry
    }
}

/// The revisions of a failed pass that was rolled back, and the configuration it ran with.
public struct ParkedRevisions: Codable, Sendable, Equatable {
    public var revisions: [String: String]
    public var configurationDigest: String
    public var since: String
    public var message: String

    public init(revisions: [String: String], configurationDigest: String, since: String = RFC3339.now(), message: String) {
        self.revisions = revisions
        self.configurationDigest = configurationDigest
        self.since = since
        self.message = message
    }
}
