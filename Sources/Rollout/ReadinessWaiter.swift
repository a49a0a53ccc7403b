import JSON
import Logging
import StageSpec

/// One object whose readiness a stage waits for.
struct WaitTarget: Sendable {
    var mapping: ResourceMapping?
    var apiVersion: String
    var kind: String
    var namespace: String?
    var name: String
    var live: JSONObject?

    init(applied: AppliedObject) {
        mapping = applied.desired.mapping
        apiVersion = applied.desired.manifest.apiVersion
        kind = applied.desired.mapping.kind
        namespace = applied.desired.namespace
        name = applied.desired.identity.name
        live = applied.live
    }

    init(check: StageSpec.ObjectReference) {
        mapping = nil
        apiVersion = check.apiVersion
        kind = check.kind
        namespace = check.namespace
        name = check.name
        live = nil
    }

    var display: String {
        if let namespace, !namespace.isEmpty { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }
}

enum WaitOutcome: Sendable, Equatable {
    case ready
    /// An object reached kstatus Failed: the stage fails at once.
    case failed(String)
    /// The deadline passed with objects still in progress (none failed).
    case timedOut(String)
}

/// Polls objects until kstatus says every one is Current, one is Failed, or the deadline passes.
struct ReadinessWaiter: Sendable {
    let cluster: Cluster
    let settings: RolloutSettings
    let logger: Logger
    let stage: String

    func wait(for targets: [WaitTarget], until deadline: ContinuousClock.Instant) async throws(StageFailure) -> WaitOutcome {
        var pending = targets
        var firstRound = true
        var lastHeartbeat = ContinuousClock.now
        let started = ContinuousClock.now
        while true {
            var stillPending: [WaitTarget] = []
            var reasons: [String] = []
            for var target in pending {
                if !firstRound || target.live == nil {
                    target.live = try await fetch(&target)
                }
                guard let live = target.live else {
                    stillPending.append(target)
                    reasons.append("\(target.display): not found")
                    continue
                }
                let readiness = ObjectReadiness.evaluate(live)
                switch readiness.state {
                case .current:
                    continue
                case .failed:
                    return .failed("\(target.display): \(readiness.message)")
                case .inProgress, .terminating, .unknown:
                    stillPending.append(target)
                    reasons.append("\(target.display): \(readiness.message.isEmpty ? "in progress" : readiness.message)")
                }
            }
            firstRound = false
            pending = stillPending
            if pending.isEmpty { return .ready }
            let now = ContinuousClock.now
            if now >= deadline {
                return .timedOut(reasons.prefix(5).joined(separator: "; ") + (reasons.count > 5 ? "; and \(reasons.count - 5) more" : ""))
            }
            if now - lastHeartbeat >= settings.heartbeatInterval {
                lastHeartbeat = now
                logger.info("still waiting for \(pending.count) object(s) to become ready",
                    metadata: ["STAGE": "\(stage)", "elapsed": "\(now - started)", "waiting": "\(reasons.prefix(3).joined(separator: "; "))"])
            }
            let remaining = deadline - now
            try? await Task.sleep(for: min(settings.pollInterval, remaining))
        }
    }

    private func fetch(_ target: inout WaitTarget) async throws(StageFailure) -> JSONObject? {
        do {
            let mapping: ResourceMapping
            if let known = target.mapping {
                mapping = known
            } else {
                mapping = try await cluster.mapping(apiVersion: target.apiVersion, kind: target.kind)
                target.mapping = mapping
                if !mapping.namespaced { target.namespace = nil }
            }
            return try await cluster.get(mapping, namespace: mapping.namespaced ? target.namespace : nil, name: target.name)
        } catch {
            switch error.kind {
            case .unavailable, .notFound, .noKindMatch:
                return nil
            default:
                throw StageFailure.from(error, doing: "read \(target.display)")
            }
        }
    }
}
