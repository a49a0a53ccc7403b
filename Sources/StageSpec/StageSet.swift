/// A StageSet (`stages.metio.wtf/v1`): ordered stages rolled out to one cluster, each gated on
/// the previous one being healthy. Field meanings and defaults follow the StageSet controller.
public struct StageSet: Sendable, Hashable {
    public static let apiVersion = "stages.metio.wtf/v1"
    public static let kind = "StageSet"

    public var metadata: DocumentMetadata
    public var spec: StageSetSpec
    public var origin: DocumentOrigin

    public init(metadata: DocumentMetadata, spec: StageSetSpec, origin: DocumentOrigin) {
        self.metadata = metadata
        self.spec = spec
        self.origin = origin
    }

    public var key: ObjectKey { metadata.key }
}

/// What a verify timeout on objects that are still progressing means.
public enum TimeoutAction: String, Sendable, Hashable, CaseIterable {
    /// Hold the run as `StageProgressing`; no rollback.
    case hold = "Hold"
    /// Treat the timeout as a failure.
    case rollback = "Rollback"
}

public struct StageSetSpec: Sendable, Hashable {
    public static let defaultInterval: Duration = .seconds(600)
    public static let defaultTimeout: Duration = .seconds(900)

    public var interval: Duration
    /// Pace of waits and holds; the interval when unset.
    public var retryInterval: Duration?
    public var timeout: Duration
    public var onTimeout: TimeoutAction
    public var suspend: Bool
    public var kubeConfig: KubeConfigReference?
    public var decryption: Decryption?
    public var rollbackOnFailure: Bool
    public var stages: [Stage]
    /// Each stage's index in the document's `spec.stages` list (stages that failed to decode are absent).
    var stageIndices: [Int] = []

    public init(
        interval: Duration = StageSetSpec.defaultInterval, retryInterval: Duration? = nil,
        timeout: Duration = StageSetSpec.defaultTimeout, onTimeout: TimeoutAction = .hold, suspend: Bool = false,
        kubeConfig: KubeConfigReference? = nil, decryption: Decryption? = nil, rollbackOnFailure: Bool = false,
        stages: [Stage]
    ) {
        self.interval = interval
        self.retryInterval = retryInterval
        self.timeout = timeout
        self.onTimeout = onTimeout
        self.suspend = suspend
        self.kubeConfig = kubeConfig
        self.decryption = decryption
        self.rollbackOnFailure = rollbackOnFailure
        self.stages = stages
    }

    public var effectiveRetryInterval: Duration { retryInterval ?? interval }

    /// The verify bound of a stage: `readyChecks.timeout` > `stages[].timeout` > `spec.timeout` > 15m;
    /// a value of zero or less falls through to the next level.
    public func verifyTimeout(of stage: Stage) -> Duration {
        for candidate in [stage.readyChecks.timeout, stage.timeout, timeout] {
            if let candidate, candidate > .zero { return candidate }
        }
        return StageSetSpec.defaultTimeout
    }

    public func timeoutAction(of stage: Stage) -> TimeoutAction {
        stage.onTimeout ?? onTimeout
    }
}

/// Host adaptation of `spec.kubeConfig`: a kubeconfig file instead of a Secret.
public struct KubeConfigReference: Sendable, Hashable {
    public var path: String
    public var context: String?

    public init(path: String, context: String? = nil) {
        self.path = path
        self.context = context
    }
}

/// `spec.decryption`: SOPS with keys from a host "Secret" and/or ambient KMS credentials.
public struct Decryption: Sendable, Hashable {
    public var provider: String
    public var secretRef: SecretReference?

    public init(provider: String = "sops", secretRef: SecretReference? = nil) {
        self.provider = provider
        self.secretRef = secretRef
    }
}

/// One stage of a StageSet.
public struct Stage: Sendable, Hashable {
    public var name: String
    public var sourceRef: SourceReference
    /// Directory inside the source to build; `./` by default.
    public var path: String
    public var prune: Bool
    public var timeout: Duration?
    public var onTimeout: TimeoutAction?
    public var force: Bool
    public var conflictPolicy: ConflictPolicy
    public var readyChecks: ReadyChecks
    /// Strategic-merge or JSON6902 patches kustomize applies while building the stage.
    public var patches: [KustomizePatch]

    public init(
        name: String, sourceRef: SourceReference, path: String = "./", prune: Bool = true, timeout: Duration? = nil,
        onTimeout: TimeoutAction? = nil, force: Bool = false, conflictPolicy: ConflictPolicy = ConflictPolicy(),
        readyChecks: ReadyChecks = ReadyChecks(), patches: [KustomizePatch] = []
    ) {
        self.name = name
        self.sourceRef = sourceRef
        self.path = path
        self.prune = prune
        self.timeout = timeout
        self.onTimeout = onTimeout
        self.force = force
        self.conflictPolicy = conflictPolicy
        self.readyChecks = readyChecks
        self.patches = patches
    }
}

/// The kinds of source a stage can read on a host.
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
    case gitRepository = "GitRepository"
    case jsonnetSnippet = "JsonnetSnippet"

    public var apiGroup: String {
        switch self {
        case .gitRepository: return "source.toolkit.fluxcd.io"
        case .jsonnetSnippet: return "jaas.metio.wtf"
        }
    }

    public var defaultAPIVersion: String { apiGroup + "/v1" }
}

/// `stages[].sourceRef`, resolved against the source documents of the configuration.
public struct SourceReference: Sendable, Hashable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: SourceKind
    public var name: String
    public var namespace: String

    public init(apiVersion: String? = nil, kind: SourceKind, name: String, namespace: String) {
        self.apiVersion = apiVersion ?? kind.defaultAPIVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    public var key: ObjectKey { ObjectKey(namespace: namespace, name: name) }
    public var description: String { "\(kind.rawValue)/\(namespace)/\(name)" }
}

/// The answer to an immutable-field conflict on apply.
public enum ConflictAction: String, Sendable, Hashable, CaseIterable {
    case fail = "Fail"
    case recreate = "Recreate"
    case keepExisting = "KeepExisting"
}

/// `stages[].conflictPolicy`: a default action plus per-object rules; the first matching rule wins.
public struct ConflictPolicy: Sendable, Hashable {
    public var defaultAction: ConflictAction
    public var rules: [ConflictRule]

    public init(defaultAction: ConflictAction = .fail, rules: [ConflictRule] = []) {
        self.defaultAction = defaultAction
        self.rules = rules
    }
}

public struct ConflictRule: Sendable, Hashable {
    public var target: ObjectSelector
    public var action: ConflictAction
    /// Required to recreate a PersistentVolumeClaim or PersistentVolume through this rule.
    public var allowDataLoss: Bool

    public init(target: ObjectSelector, action: ConflictAction, allowDataLoss: Bool = false) {
        self.target = target
        self.action = action
        self.allowDataLoss = allowDataLoss
    }
}

/// Matches objects by apiVersion, kind, name and namespace; unset fields match anything.
public struct ObjectSelector: Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?

    public init(apiVersion: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    public func matches(apiVersion: String, kind: String, name: String, namespace: String?) -> Bool {
        (self.apiVersion == nil || self.apiVersion == apiVersion) && (self.kind == nil || self.kind == kind)
            && (self.name == nil || self.name == name) && (self.namespace == nil || self.namespace == (namespace ?? ""))
    }
}

/// `stages[].readyChecks`.
public struct ReadyChecks: Sendable, Hashable {
    public var timeout: Duration?
    /// Skip waiting for the applied objects (the `checks` are still waited for).
    public var disableWait: Bool
    /// Objects the stage did not apply that must become ready too (e.g. made by an operator).
    public var checks: [ObjectReference]

    public init(timeout: Duration? = nil, disableWait: Bool = false, checks: [ObjectReference] = []) {
        self.timeout = timeout
        self.disableWait = disableWait
        self.checks = checks
    }
}

/// A reference to one Kubernetes object (`NamespacedObjectKindReference`).
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var namespace: String?

    public init(apiVersion: String, kind: String, name: String, namespace: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    public var description: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }
}
