import JSON

/// Decodes a `StageSet` document, applying the controller's defaults and validation rules.
enum StageSetDecoder {
    static let serviceAccountExplanation =
        "not applicable on a host: the agent is single-tenant and applies everything with the kubeconfig's identity; remove serviceAccountName"

    static func decode(_ document: FieldReader) -> StageSet? {
        let metadata = document.metadata()
        let namespace = metadata?.namespace ?? "default"
        let spec = document.object("spec", required: true).flatMap { decodeSpec($0, namespace: namespace) }
        document.rejectUnknownFields()
        guard let metadata, let spec else { return nil }
        return StageSet(metadata: metadata, spec: spec, origin: document.origin)
    }

    private static func decodeSpec(_ spec: FieldReader, namespace: String) -> StageSetSpec? {
        let interval = spec.duration("interval") ?? StageSetSpec.defaultInterval
        let retryInterval = spec.duration("retryInterval")
        let timeout = spec.duration("timeout") ?? StageSetSpec.defaultTimeout
        let onTimeout = spec.enumeration("onTimeout", as: TimeoutAction.self, allowed: TimeoutAction.allCases) ?? .hold
        let suspend = spec.bool("suspend") ?? false
        let rollbackOnFailure = spec.bool("rollbackOnFailure") ?? false
        let kubeConfig = spec.object("kubeConfig").flatMap(decodeKubeConfig)
        let decryption = spec.object("decryption").flatMap(decodeDecryption)
        for (key, value) in [("interval", interval), ("retryInterval", retryInterval ?? interval)] where value <= .zero {
            spec.report(.invalidValue, at: spec.path.child(key), "must be greater than zero")
        }
        spec.refuseOnHost("serviceAccountName", because: serviceAccountExplanation)
        spec.refuseNotSupportedYet([
            "driftDetectionInterval", "dependsOn", "version", "migrations", "migrationsSourceRef", "onRollback",
            "updateWindows", "windowScope", "errorBudget",
        ])

        var stages: [Stage] = []
        var stageIndices: [Int] = []
        if let elements = spec.objects("stages") {
            if elements.isEmpty {
                spec.report(.missingField, at: spec.path.child("stages"), "at least one stage is required")
            }
            var seenNames: [String: Int] = [:]
            for (index, element) in elements.enumerated() {
                guard let stage = decodeStage(element, namespace: namespace) else { continue }
                stageIndices.append(index)
                if seenNames[stage.name] != nil {
                    element.report(.duplicate, at: element.path.child("name"), "duplicate stage name \"\(stage.name)\"")
                } else {
                    seenNames[stage.name] = stages.count
                }
                stages.append(stage)
            }
        } else if !spec.has("stages") {
            spec.report(.missingField, at: spec.path.child("stages"), "at least one stage is required")
        }
        spec.rejectUnknownFields()
        var result = StageSetSpec(
            interval: interval, retryInterval: retryInterval, timeout: timeout, onTimeout: onTimeout, suspend: suspend,
            kubeConfig: kubeConfig, decryption: decryption, rollbackOnFailure: rollbackOnFailure, stages: stages)
        result.stageIndices = stageIndices
        return result
    }

    private static func decodeKubeConfig(_ kubeConfig: FieldReader) -> KubeConfigReference? {
        let explanation =
            "not applicable on a host: there is no Secret/ConfigMap to read; set spec.kubeConfig.path to a kubeconfig file (and optionally context)"
        kubeConfig.refuseOnHost("secretRef", because: explanation)
        kubeConfig.refuseOnHost("configMapRef", because: explanation)
        let path = kubeConfig.string("path", required: true)
        let context = kubeConfig.string("context")
        kubeConfig.rejectUnknownFields()
        return path.map { KubeConfigReference(path: $0, context: context) }
    }

    private static func decodeDecryption(_ decryption: FieldReader) -> Decryption? {
        let provider = decryption.string("provider", required: true)
        if let provider, provider != "sops" {
            decryption.report(.invalidValue, at: decryption.path.child("provider"), "unsupported value \"\(provider)\" (allowed: sops)")
        }
        let secretRef = decryption.secretReference("secretRef")
        decryption.refuseOnHost("serviceAccountName", because: serviceAccountExplanation)
        decryption.rejectUnknownFields()
        return Decryption(provider: provider ?? "sops", secretRef: secretRef)
    }

    private static func decodeStage(_ stage: FieldReader, namespace: String) -> Stage? {
        let name = stage.string("name", required: true)
        if let name, !KubernetesNames.isLabel(name) {
            stage.report(.invalidValue, at: stage.path.child("name"),
                "invalid stage name \"\(name)\": must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ (at most 63 characters)")
        }
        let sourceRef = stage.object("sourceRef", required: true).flatMap { decodeSourceReference($0, namespace: namespace) }
        let path = stage.string("path") ?? "./"
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            stage.report(.invalidValue, at: stage.path.child("path"), "must be a relative path inside the source (no leading / and no ..)")
        }
        let prune = stage.bool("prune") ?? true
        let timeout = stage.duration("timeout")
        let onTimeout = stage.enumeration("onTimeout", as: TimeoutAction.self, allowed: TimeoutAction.allCases)
        let force = stage.bool("force") ?? false
        var conflictPolicy = stage.object("conflictPolicy").map(decodeConflictPolicy) ?? ConflictPolicy()
        if force { conflictPolicy.defaultAction = .recreate }
        let readyChecks = stage.object("readyChecks").map(decodeReadyChecks) ?? ReadyChecks()
        let patches = KustomizePatchDecoder.decode(stage)
        stage.refuseOnHost("serviceAccountName", because: serviceAccountExplanation)
        stage.refuseNotSupportedYet([
            "migrationAnchor", "applyHelmHookResources", "postBuild", "actions", "promotion", "errorBudget",
        ])
        stage.rejectUnknownFields()
        guard let name, let sourceRef else { return nil }
        return Stage(
            name: name, sourceRef: sourceRef, path: path, prune: prune, timeout: timeout, onTimeout: onTimeout, force: force,
            conflictPolicy: conflictPolicy, readyChecks: readyChecks, patches: patches)
    }

    private static func decodeSourceReference(_ reference: FieldReader, namespace: String) -> SourceReference? {
        let apiVersion = reference.string("apiVersion")
        let kindText = reference.string("kind")
        let name = reference.string("name", required: true)
        let sourceNamespace = reference.string("namespace") ?? namespace
        reference.rejectUnknownFields()
        let supported = SourceKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindText else {
            reference.report(.missingField, at: reference.path.child("kind"),
                "kind is required on a host: the controller's default, ExternalArtifact, has no host equivalent (supported: \(supported))")
            return nil
        }
        guard let kind = SourceKind(rawValue: kindText) else {
            reference.report(.unknownKind, at: reference.path.child("kind"), "unknown source kind \"\(kindText)\" (supported: \(supported))")
            return nil
        }
        if kind == .jsonnetSnippet && apiVersion == nil {
            reference.report(.missingField, at: reference.path.child("apiVersion"),
                "apiVersion is required for the producer kind JsonnetSnippet (\(kind.defaultAPIVersion))")
        }
        if let apiVersion, apiVersion.split(separator: "/").first.map(String.init) != kind.apiGroup {
            reference.report(.invalidValue, at: reference.path.child("apiVersion"),
                "\(kind.rawValue) belongs to the API group \(kind.apiGroup), not \"\(apiVersion)\"")
        }
        guard let name else { return nil }
        return SourceReference(apiVersion: apiVersion, kind: kind, name: name, namespace: sourceNamespace)
    }

    private static func decodeConflictPolicy(_ policy: FieldReader) -> ConflictPolicy {
        let defaultAction = policy.enumeration("default", as: ConflictAction.self, allowed: ConflictAction.allCases) ?? .fail
        var rules: [ConflictRule] = []
        for rule in policy.objects("rules") ?? [] {
            let target = rule.object("target").map(decodeObjectSelector) ?? ObjectSelector()
            let action = rule.enumeration("action", as: ConflictAction.self, allowed: ConflictAction.allCases)
            if !rule.has("action") {
                rule.report(.missingField, at: rule.path.child("action"), "required field is missing")
            }
            let allowDataLoss = rule.bool("allowDataLoss") ?? false
            rule.rejectUnknownFields()
            if let action {
                rules.append(ConflictRule(target: target, action: action, allowDataLoss: allowDataLoss))
            }
        }
        policy.rejectUnknownFields()
        return ConflictPolicy(defaultAction: defaultAction, rules: rules)
    }

    private static func decodeObjectSelector(_ target: FieldReader) -> ObjectSelector {
        let selector = ObjectSelector(
            apiVersion: target.string("apiVersion"), kind: target.string("kind"), name: target.string("name"),
            namespace: target.string("namespace"))
        target.rejectUnknownFields()
        return selector
    }

    private static func decodeReadyChecks(_ checks: FieldReader) -> ReadyChecks {
        let timeout = checks.duration("timeout")
        let disableWait = checks.bool("disableWait") ?? false
        var references: [ObjectReference] = []
        for check in checks.objects("checks") ?? [] {
            let apiVersion = check.string("apiVersion", required: true)
            let kind = check.string("kind", required: true)
            let name = check.string("name", required: true)
            let namespace = check.string("namespace")
            check.rejectUnknownFields()
            if let apiVersion, let kind, let name {
                references.append(ObjectReference(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace))
            }
        }
        checks.refuseNotSupportedYet(["exprs"])
        checks.rejectUnknownFields()
        return ReadyChecks(timeout: timeout, disableWait: disableWait, checks: references)
    }
}
