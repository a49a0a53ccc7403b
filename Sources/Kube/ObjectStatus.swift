#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSON
import Timestamps

/// Readiness of a live object with the rules of sigs.k8s.io/cli-utils `pkg/kstatus/status` (the
/// ones Flux and the StageSet controller wait with), reimplemented here.
///
/// Order: `metadata.deletionTimestamp` → Terminating; `status.observedGeneration` ≠
/// `metadata.generation` → InProgress; condition `Reconciling=True` → InProgress, `Stalled=True` →
/// Failed; then the built-in kind rules; else a `Ready` condition (True → Current, False/Unknown →
/// InProgress); else Current — a custom resource without conditions counts as ready at once.
public enum ObjectStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case inProgress = "InProgress"
    case current = "Current"
    case failed = "Failed"
    case terminating = "Terminating"
    /// The object does not exist (callers report this for a `get` that found nothing).
    case notFound = "NotFound"
    /// The status could not be computed (malformed fields, an unknown Pod phase).
    case unknown = "Unknown"

    public var description: String { rawValue }

    /// How long a Pod may stay unschedulable before it counts as Failed (kstatus `ScheduleWindow`).
    public static let podScheduleWindow: Duration = .seconds(15)

    /// Computes the status of `object`; `now` only matters for the Pod scheduling window.
    public static func compute(_ object: JSONObject, now: Date = Date()) -> (status: ObjectStatus, message: String) {
        let fields = StatusFields(object)
        do {
            if let generic = try genericStatus(fields) { return generic }
            if let rule = builtInRule(for: fields) { return try rule(fields, now) }
            if let ready = readyConditionStatus(fields) { return ready }
            return (.current, "Resource is current")
        } catch {
            return (.unknown, error.message)
        }
    }

    // MARK: generic rules

    private static func genericStatus(_ fields: StatusFields) throws(StatusFieldError) -> (ObjectStatus, String)? {
        if let deletion = fields.string("metadata", "deletionTimestamp"), !deletion.isEmpty {
            return (.terminating, "Resource scheduled for deletion")
        }
        if let generation = try fields.strictInteger("metadata", "generation"),
           let observed = try fields.strictInteger("status", "observedGeneration"), observed != generation
        {
            return (.inProgress, "\(fields.kind) generation is \(generation), but latest observed generation is \(observed)")
        }
        for condition in fields.conditions {
            if condition.type == "Reconciling", condition.status == "True" { return (.inProgress, condition.message) }
            if condition.type == "Stalled", condition.status == "True" { return (.failed, condition.message) }
        }
        return nil
    }

    private static func readyConditionStatus(_ fields: StatusFields) -> (ObjectStatus, String)? {
        for condition in fields.conditions where condition.type == "Ready" {
            switch condition.status {
            case "True": return (.current, "Resource is Ready")
            case "False", "Unknown": return (.inProgress, condition.message)
            default: continue
            }
        }
        return nil
    }

    // MARK: built-in kinds

    private typealias Rule = (StatusFields, Date) throws(StatusFieldError) -> (ObjectStatus, String)

    private static func builtInRule(for fields: StatusFields) -> Rule? {
        switch (fields.group, fields.kind) {
        case ("", "Service"): return { fields, _ in serviceStatus(fields) }
        case ("", "Pod"): return { fields, now throws(StatusFieldError) in try podStatus(fields, now: now) }
        case ("", "Secret"), ("", "ConfigMap"), ("batch", "CronJob"): return { _, _ in (.current, "Resource is always ready") }
        case ("", "PersistentVolumeClaim"): return { fields, _ in persistentVolumeClaimStatus(fields) }
        case ("apps", "StatefulSet"): return { fields, _ in statefulSetStatus(fields) }
        case ("apps", "DaemonSet"), ("extensions", "DaemonSet"):
            return { fields, _ throws(StatusFieldError) in try daemonSetStatus(fields) }
        case ("apps", "Deployment"), ("extensions", "Deployment"): return { fields, _ in deploymentStatus(fields) }
        case ("apps", "ReplicaSet"), ("extensions", "ReplicaSet"): return { fields, _ in replicaSetStatus(fields) }
        case ("policy", "PodDisruptionBudget"): return { _, _ in (.current, "AllowedDisruptions has been computed.") }
        case ("batch", "Job"): return { fields, _ in jobStatus(fields) }
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): return { fields, _ in customResourceDefinitionStatus(fields) }
        default: return nil
        }
    }

    private static func deploymentStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        // Without progressDeadlineSeconds the controller never sets Progressing, so it cannot gate.
        var progressing = fields.integer("spec", "progressDeadlineSeconds", default: Int(Int32.max)) == Int(Int32.max)
        var available = false
        for condition in fields.conditions {
            switch condition.type {
            case "Progressing":
                if condition.reason == "ProgressDeadlineExceeded" { return (.failed, "Progress deadline exceeded") }
                if condition.status == "True", condition.reason == "NewReplicaSetAvailable" { progressing = true }
            case "Available":
                if condition.status == "True" { available = true }
            default:
                break
            }
        }
        let specReplicas = fields.integer("spec", "replicas", default: 1)
        let statusReplicas = fields.integer("status", "replicas", default: 0)
        let updatedReplicas = fields.integer("status", "updatedReplicas", default: 0)
        let readyReplicas = fields.integer("status", "readyReplicas", default: 0)
        let availableReplicas = fields.integer("status", "availableReplicas", default: 0)
        if specReplicas > statusReplicas { return (.inProgress, "Replicas: \(statusReplicas)/\(specReplicas)") }
        if specReplicas > updatedReplicas { return (.inProgress, "Updated: \(updatedReplicas)/\(specReplicas)") }
        if statusReplicas > specReplicas { return (.inProgress, "Pending termination: \(statusReplicas - specReplicas)") }
        if updatedReplicas > availableReplicas { return (.inProgress, "Available: \(availableReplicas)/\(updatedReplicas)") }
        if specReplicas > readyReplicas { return (.inProgress, "Ready: \(readyReplicas)/\(specReplicas)") }
        if !progressing { return (.inProgress, "ReplicaSet not Available") }
        if !available { return (.inProgress, "Deployment not Available") }
        return (.current, "Deployment is available. Replicas: \(statusReplicas)")
    }

    private static func statefulSetStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        if fields.string("spec", "updateStrategy", "type") == "OnDelete" {
            return (.current, "StatefulSet is using the ondelete update strategy")
        }
        let specReplicas = fields.integer("spec", "replicas", default: 1)
        let readyReplicas = fields.integer("status", "readyReplicas", default: 0)
        let currentReplicas = fields.integer("status", "currentReplicas", default: 0)
        let updatedReplicas = fields.integer("status", "updatedReplicas", default: 0)
        let statusReplicas = fields.integer("status", "replicas", default: 0)
        let partition = fields.integer("spec", "updateStrategy", "rollingUpdate", "partition", default: -1)
        if specReplicas > statusReplicas { return (.inProgress, "Replicas: \(statusReplicas)/\(specReplicas)") }
        if specReplicas > readyReplicas { return (.inProgress, "Ready: \(readyReplicas)/\(specReplicas)") }
        if statusReplicas > specReplicas { return (.inProgress, "Pending termination: \(statusReplicas - specReplicas)") }
        if partition != -1 {
            if updatedReplicas < specReplicas - partition {
                return (.inProgress, "updated: \(updatedReplicas)/\(specReplicas - partition)")
            }
            return (.current, "Partition rollout complete. updated: \(updatedReplicas)")
        }
        if specReplicas > currentReplicas { return (.inProgress, "current: \(currentReplicas)/\(specReplicas)") }
        if (fields.string("status", "currentRevision") ?? "") != (fields.string("status", "updateRevision") ?? "") {
            return (.inProgress, "Waiting for updated revision to match current")
        }
        return (.current, "All replicas scheduled as expected. Replicas: \(statusReplicas)")
    }

    private static func daemonSetStatus(_ fields: StatusFields) throws(StatusFieldError) -> (ObjectStatus, String) {
        // The daemon set controller always writes these once it has acted on the object.
        if try fields.strictInteger("metadata", "generation") == nil {
            return (.inProgress, "\(fields.kind) metadata.generation not found")
        }
        if try fields.strictInteger("status", "observedGeneration") == nil {
            return (.inProgress, "\(fields.kind) status.observedGeneration not found")
        }
        let desired = fields.integer("status", "desiredNumberScheduled", default: -1)
        let current = fields.integer("status", "currentNumberScheduled", default: 0)
        let updated = fields.integer("status", "updatedNumberScheduled", default: 0)
        let available = fields.integer("status", "numberAvailable", default: 0)
        let ready = fields.integer("status", "numberReady", default: 0)
        if desired == -1 { return (.inProgress, "Missing .status.desiredNumberScheduled") }
        if desired > current { return (.inProgress, "Current: \(current)/\(desired)") }
        if desired > updated { return (.inProgress, "Updated: \(updated)/\(desired)") }
        if desired > available { return (.inProgress, "Available: \(available)/\(desired)") }
        if desired > ready { return (.inProgress, "Ready: \(ready)/\(desired)") }
        return (.current, "All replicas scheduled as expected. Replicas: \(desired)")
    }

    private static func replicaSetStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        if fields.conditions.contains(where: { $0.type == "ReplicaFailure" && $0.status == "True" }) {
            return (.inProgress, "Replica Failure condition. Check Pods")
        }
        let specReplicas = fields.integer("spec", "replicas", default: 1)
        let statusReplicas = fields.integer("status", "replicas", default: 0)
        let readyReplicas = fields.integer("status", "readyReplicas", default: 0)
        let availableReplicas = fields.integer("status", "availableReplicas", default: 0)
        let labelledReplicas = fields.integer("status", "fullyLabeledReplicas", default: 0)
        if specReplicas > labelledReplicas { return (.inProgress, "Labelled: \(labelledReplicas)/\(specReplicas)") }
        if specReplicas > availableReplicas { return (.inProgress, "Available: \(availableReplicas)/\(specReplicas)") }
        if specReplicas > readyReplicas { return (.inProgress, "Ready: \(readyReplicas)/\(specReplicas)") }
        if statusReplicas > specReplicas { return (.inProgress, "Pending termination: \(statusReplicas - specReplicas)") }
        return (.current, "ReplicaSet is available. Replicas: \(statusReplicas)")
    }

    private static func persistentVolumeClaimStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        let phase = fields.string("status", "phase") ?? "unknown"
        if phase != "Bound" { return (.inProgress, "PVC is not Bound. phase: \(phase)") }
        return (.current, "PVC is Bound")
    }

    private static func podStatus(_ fields: StatusFields, now: Date) throws(StatusFieldError) -> (ObjectStatus, String) {
        let phase = fields.string("status", "phase") ?? ""
        switch phase {
        case "Succeeded":
            return (.current, "Pod has completed successfully")
        case "Failed":
            // kstatus treats a finished Pod as current either way (its owner decides what failure means).
            return (.current, "Pod has completed, but not successfully")
        case "Running":
            if fields.conditions.contains(where: { $0.type == "Ready" && $0.status == "True" }) { return (.current, "Pod is Ready") }
            let crashLooping = fields.crashLoopingContainers
            if !crashLooping.isEmpty {
                return (.failed, "Containers in CrashLoop state: \(crashLooping.joined(separator: ","))")
            }
            return (.inProgress, "Pod is running but is not Ready")
        case "Pending":
            if let scheduled = fields.conditions.first(where: { $0.type == "PodScheduled" && $0.status == "False" }),
               scheduled.reason == "Unschedulable"
            {
                let created = fields.string("metadata", "creationTimestamp").flatMap(RFC3339.parse)
                let window = Double(podScheduleWindow.components.seconds)
                if let created, now.addingTimeInterval(-window) < created {
                    return (.inProgress, "Pod has not been scheduled")
                }
                return (.failed, "Pod could not be scheduled")
            }
            return (.inProgress, "Pod is in the Pending phase")
        case "":
            return (.inProgress, "Pod phase not available")
        default:
            throw StatusFieldError(message: "unknown phase \(phase)")
        }
    }

    private static func jobStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        let parallelism = fields.integer("spec", "parallelism", default: 1)
        let completions = fields.integer("spec", "completions", default: parallelism)
        let succeeded = fields.integer("status", "succeeded", default: 0)
        let active = fields.integer("status", "active", default: 0)
        let failed = fields.integer("status", "failed", default: 0)
        let suspended = fields.value("spec", "suspend")?.boolValue ?? false
        for condition in fields.conditions {
            switch condition.type {
            case "Complete" where condition.status == "True":
                return (.current, "Job Completed. succeeded: \(succeeded)/\(completions)")
            case "Failed" where condition.status == "True":
                return (.failed, "Job Failed. failed: \(failed)/\(completions)")
            case "Suspended" where condition.status == "True" && suspended:
                return (.current, "Job is suspended")
            default:
                continue
            }
        }
        if (fields.string("status", "startTime") ?? "").isEmpty { return (.inProgress, "Job not started") }
        return (.current, "Job in progress. success:\(succeeded), active: \(active), failed: \(failed)")
    }

    private static func serviceStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        let type = fields.string("spec", "type") ?? "ClusterIP"
        if type == "LoadBalancer", (fields.string("spec", "clusterIP") ?? "").isEmpty {
            return (.inProgress, "ClusterIP not set. Service type: LoadBalancer")
        }
        return (.current, "Service is ready")
    }

    private static func customResourceDefinitionStatus(_ fields: StatusFields) -> (ObjectStatus, String) {
        for condition in fields.conditions {
            if condition.type == "NamesAccepted", condition.status == "False" { return (.failed, condition.message) }
            if condition.type == "Established" {
                if condition.status == "False", condition.reason != "Installing" { return (.failed, condition.message) }
                if condition.status == "True" { return (.current, "CRD is established") }
            }
        }
        return (.inProgress, "Install in progress")
    }
}

struct StatusFieldError: Error {
    var message: String
}

/// Typed, lenient access to the fields the kstatus rules read (a wrongly typed field reads as its
/// default, as cli-utils' `GetIntField`/`GetStringField` do).
struct StatusFields {
    struct Condition {
        var type: String
        var status: String
        var reason: String
        var message: String
    }

    let object: JSONObject
    let group: String
    let kind: String
    let conditions: [Condition]

    init(_ object: JSONObject) {
        self.object = object
        group = ObjectReference.split(object["apiVersion"]?.stringValue ?? "").group
        kind = object["kind"]?.stringValue ?? ""
        var conditions: [Condition] = []
        for value in object["status"]?["conditions"]?.arrayValue ?? [] {
            guard let condition = value.objectValue else { continue }
            conditions.append(Condition(
                type: condition["type"]?.stringValue ?? "", status: condition["status"]?.stringValue ?? "",
                reason: condition["reason"]?.stringValue ?? "", message: condition["message"]?.stringValue ?? ""))
        }
        self.conditions = conditions
    }

    func value(_ path: String...) -> JSONValue? {
        JSONValue.object(object)[path: path]
    }

    func string(_ path: String...) -> String? {
        JSONValue.object(object)[path: path]?.stringValue
    }

    func integer(_ path: String..., default fallback: Int) -> Int {
        guard let number = JSONValue.object(object)[path: path]?.numberValue, number.isInteger, let value = number.intValue else {
            return fallback
        }
        return value
    }

    /// An integer field that must be an integer when present (cli-utils fails the computation otherwise).
    func strictInteger(_ path: String...) throws(StatusFieldError) -> Int64? {
        guard let value = JSONValue.object(object)[path: path], !value.isNull else { return nil }
        guard let number = value.numberValue, number.isInteger, let integer = number.int64Value else {
            throw StatusFieldError(message: "looking up \(path.joined(separator: ".")) from resource: not an integer")
        }
        return integer
    }

    /// Names of containers waiting in `CrashLoopBackOff`.
    var crashLoopingContainers: [String] {
        (value("status", "containerStatuses")?.arrayValue ?? []).compactMap { status in
            guard let name = status["name"]?.stringValue,
                  status["state"]?["waiting"]?["reason"]?.stringValue == "CrashLoopBackOff"
            else { return nil }
            return name
        }
    }
}
