/// Writes `status` the way the real controllers would, since no controllers run in the emulator.
enum StatusSimulator {
    enum State {
        case ready
        case progressing
        case failed
    }

    /// Whether the emulator simulates status for this kind (custom resources only with the annotation).
    static func simulates(_ definition: ResourceDefinition) -> Bool {
        switch (definition.group, definition.kind) {
        case ("apps", _), ("batch", "Job"), ("", "Pod"), ("", "PersistentVolumeClaim"), ("", "PersistentVolume"),
             ("", "Service"), ("policy", "PodDisruptionBudget"):
            return true
        default:
            return definition.isCustom && definition.hasStatus
        }
    }

    private static func condition(_ type: String, _ status: Bool, reason: String, message: String, now: String, updateTime: Bool = false) -> JSONValue {
        var value: JSONValue = .object([
            "type": .string(type), "status": .string(status ? "True" : "False"), "reason": .string(reason),
            "message": .string(message), "lastTransitionTime": .string(now),
        ])
        if updateTime { value["lastUpdateTime"] = .string(now) }
        return value
    }

    private static func replicas(_ object: JSONValue) -> Int64 {
        object["spec"]["replicas"].intValue ?? 1
    }

    static func status(for object: JSONValue, definition: ResourceDefinition, state: State, now: String) -> JSONValue? {
        let name = object["metadata"]["name"].stringValue ?? ""
        let generation = JSONValue.integer(object["metadata"]["generation"].intValue ?? 1)
        let count = replicas(object)
        let revision = "\(name)-\(String(UInt32(truncatingIfNeeded: JSONSerializer.string(object["spec"]).hashValue & 0x7fffffff), radix: 36))"
        switch (definition.group, definition.kind) {
        case ("apps", "Deployment"):
            switch state {
            case .ready:
                return .object([
                    "observedGeneration": generation, "replicas": .integer(count), "updatedReplicas": .integer(count),
                    "readyReplicas": .integer(count), "availableReplicas": .integer(count),
                    "conditions": .array([
                        condition("Available", true, reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability.", now: now, updateTime: true),
                        condition("Progressing", true, reason: "NewReplicaSetAvailable", message: "ReplicaSet \"\(revision)\" has successfully progressed.", now: now, updateTime: true),
                    ]),
                ])
            case .progressing:
                return .object([
                    "observedGeneration": generation, "replicas": .integer(count), "updatedReplicas": .integer(0),
                    "readyReplicas": .integer(0), "availableReplicas": .integer(0), "unavailableReplicas": .integer(count),
                    "conditions": .array([
                        condition("Available", false, reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.", now: now, updateTime: true),
                        condition("Progressing", true, reason: "ReplicaSetUpdated", message: "ReplicaSet \"\(revision)\" is progressing.", now: now, updateTime: true),
                    ]),
                ])
            case .failed:
                return .object([
                    "observedGeneration": generation, "replicas": .integer(count), "updatedReplicas": .integer(count),
                    "readyReplicas": .integer(0), "availableReplicas": .integer(0), "unavailableReplicas": .integer(count),
                    "conditions": .array([
                        condition("Available", false, reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.", now: now, updateTime: true),
                        condition("Progressing", false, reason: "ProgressDeadlineExceeded", message: "ReplicaSet \"\(revision)\" has timed out progressing.", now: now, updateTime: true),
                    ]),
                ])
            }
        case ("apps", "StatefulSet"):
            let ready = state == .ready
            return .object([
                "observedGeneration": generation, "replicas": .integer(count),
                "readyReplicas": .integer(ready ? count : 0), "currentReplicas": .integer(ready ? count : 0),
                "updatedReplicas": .integer(ready ? count : 0), "availableReplicas": .integer(ready ? count : 0),
                "currentRevision": .string(ready ? revision : "\(name)-previous"), "updateRevision": .string(revision),
                "collisionCount": .integer(0),
            ])
        case ("apps", "DaemonSet"):
            let ready = state == .ready
            return .object([
                "observedGeneration": generation, "desiredNumberScheduled": .integer(1), "currentNumberScheduled": .integer(1),
                "numberMisscheduled": .integer(0), "numberReady": .integer(ready ? 1 : 0),
                "updatedNumberScheduled": .integer(ready ? 1 : 0), "numberAvailable": .integer(ready ? 1 : 0),
                "numberUnavailable": .integer(ready ? 0 : 1),
            ])
        case ("apps", "ReplicaSet"):
            let ready = state == .ready
            return .object([
                "observedGeneration": generation, "replicas": .integer(count), "fullyLabeledReplicas": .integer(count),
                "readyReplicas": .integer(ready ? count : 0), "availableReplicas": .integer(ready ? count : 0),
            ])
        case ("batch", "Job"):
            let completions = object["spec"]["completions"].intValue ?? 1
            switch state {
            case .ready:
                return .object([
                    "startTime": .string(now), "completionTime": .string(now), "succeeded": .integer(completions),
                    "ready": .integer(0), "terminating": .integer(0),
                    "conditions": .array([
                        condition("SuccessCriteriaMet", true, reason: "CompletionsReached", message: "Reached expected number of succeeded pods", now: now),
                        condition("Complete", true, reason: "CompletionsReached", message: "Reached expected number of succeeded pods", now: now),
                    ]),
                ])
            case .progressing:
                return .object(["startTime": .string(now), "active": .integer(1), "ready": .integer(0), "terminating": .integer(0)])
            case .failed:
                let backoffLimit = object["spec"]["backoffLimit"].intValue ?? 6
                return .object([
                    "startTime": .string(now), "failed": .integer(backoffLimit + 1), "ready": .integer(0), "terminating": .integer(0),
                    "conditions": .array([
                        condition("FailureTarget", true, reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", now: now),
                        condition("Failed", true, reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", now: now),
                    ]),
                ])
            }
        case ("", "Pod"):
            let containers = object["spec"]["containers"].arrayValue ?? []
            func containerStatuses(ready: Bool, terminated: Bool) -> JSONValue {
                .array(containers.map { container in
                    let state: JSONValue = terminated
                        ? .object(["terminated": .object(["exitCode": .integer(1), "reason": .string("Error"), "startedAt": .string(now), "finishedAt": .string(now)])])
                        : ready ? .object(["running": .object(["startedAt": .string(now)])])
                        : .object(["waiting": .object(["reason": .string("ContainerCreating")])])
                    return .object([
                        "name": container["name"], "image": container["image"], "imageID": .string(""),
                        "ready": .bool(ready), "started": .bool(ready), "restartCount": .integer(0), "state": state,
                    ])
                })
            }
            switch state {
            case .ready:
                return .object([
                    "phase": .string("Running"), "podIP": .string("10.244.0.10"), "hostIP": .string("127.0.0.1"), "startTime": .string(now),
                    "conditions": .array([
                        condition("Initialized", true, reason: "", message: "", now: now),
                        condition("Ready", true, reason: "", message: "", now: now),
                        condition("ContainersReady", true, reason: "", message: "", now: now),
                        condition("PodScheduled", true, reason: "", message: "", now: now),
                    ].map(dropEmptyReason)),
                    "containerStatuses": containerStatuses(ready: true, terminated: false),
                ])
            case .progressing:
                return .object([
                    "phase": .string("Pending"), "hostIP": .string("127.0.0.1"), "startTime": .string(now),
                    "conditions": .array([
                        condition("PodScheduled", true, reason: "", message: "", now: now),
                        condition("Ready", false, reason: "ContainersNotReady", message: "containers with unready status", now: now),
                    ].map(dropEmptyReason)),
                    "containerStatuses": containerStatuses(ready: false, terminated: false),
                ])
            case .failed:
                return .object([
                    "phase": .string("Failed"), "hostIP": .string("127.0.0.1"), "startTime": .string(now),
                    "conditions": .array([
                        condition("PodScheduled", true, reason: "", message: "", now: now),
                        condition("Ready", false, reason: "PodFailed", message: "", now: now),
                    ].map(dropEmptyReason)),
                    "containerStatuses": containerStatuses(ready: false, terminated: true),
                ])
            }
        case ("", "PersistentVolumeClaim"):
            if state == .ready {
                var status: JSONValue = .object(["phase": .string("Bound")])
                status["accessModes"] = object["spec"]["accessModes"]
                if let storage = object["spec"]["resources"]["requests"]["storage"].stringValue {
                    status["capacity"] = .object(["storage": .string(storage)])
                }
                return status
            }
            return .object(["phase": .string(state == .failed ? "Lost" : "Pending")])
        case ("", "PersistentVolume"):
            return .object(["phase": .string(state == .ready ? "Available" : "Pending")])
        case ("", "Service"):
            if object["spec"]["type"].stringValue == "LoadBalancer", state == .ready {
                return .object(["loadBalancer": .object(["ingress": .array([.object(["ip": .string("192.0.2.10"), "ipMode": .string("VIP")])])])])
            }
            return .object(["loadBalancer": .object([:])])
        case ("policy", "PodDisruptionBudget"):
            let ready = state == .ready
            return .object([
                "observedGeneration": generation, "currentHealthy": .integer(ready ? 1 : 0), "desiredHealthy": .integer(ready ? 1 : 1),
                "expectedPods": .integer(1), "disruptionsAllowed": .integer(ready ? 1 : 0),
                "conditions": .array([condition("DisruptionAllowed", ready, reason: ready ? "SufficientPods" : "InsufficientPods", message: "", now: now)]),
            ])
        default:
            guard definition.isCustom else { return nil }
            var status = object["status"].objectValue.map(JSONValue.object) ?? .object([:])
            status["observedGeneration"] = generation
            switch state {
            case .ready:
                status["conditions"] = .array([condition("Ready", true, reason: "Succeeded", message: "Ready (emulated)", now: now)])
            case .progressing:
                status["conditions"] = .array([
                    condition("Ready", false, reason: "Progressing", message: "Reconciliation in progress (emulated)", now: now),
                    condition("Reconciling", true, reason: "Progressing", message: "Reconciliation in progress (emulated)", now: now),
                ])
            case .failed:
                status["conditions"] = .array([
                    condition("Ready", false, reason: "Failed", message: "Reconciliation failed (emulated)", now: now),
                    condition("Stalled", true, reason: "Failed", message: "Reconciliation failed (emulated)", now: now),
                ])
            }
            return status
        }
    }

    private static func dropEmptyReason(_ condition: JSONValue) -> JSONValue {
        var copy = condition
        if copy["reason"].stringValue == "" { copy.removeMember("reason") }
        if copy["message"].stringValue == "" { copy.removeMember("message") }
        return copy
    }
}
