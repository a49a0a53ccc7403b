import JSON
import Rollout

/// The control socket speaks one JSON object per line: a request, then one response.
///
///     {"command": "reconcile", "stageSet": "payments", "stage": "app", "wait": true}
///     {"command": "status"}
public enum ControlMessages {
    public static func reconcileRequest(stageSet: String?, stage: String?, force: Bool = false, wait: Bool) -> JSONValue {
        var object = JSONObject()
        object["command"] = "reconcile"
        object["force"] = .bool(force)
        if let stageSet { object["stageSet"] = .string(stageSet) }
        if let stage { object["stage"] = .string(stage) }
        object["wait"] = .bool(wait)
        return .object(object)
    }

    public static let statusRequest: JSONValue = ["command": "status"]

    public static func rollbackRequest(stageSet: String?, to revision: String?) -> JSONValue {
        var object = JSONObject()
        object["command"] = "rollback"
        if let stageSet { object["stageSet"] = .string(stageSet) }
        if let revision { object["to"] = .string(revision) }
        return .object(object)
    }

    static func outcome(_ outcome: PassOutcome) -> JSONValue {
        var object = JSONObject()
        object["ready"] = .bool(outcome.isReady)
        object["reason"] = .string(outcome.reason.rawValue)
        object["message"] = .string(outcome.message)
        object["stages"] = .array(outcome.stages.map { stage in
            var entry = JSONObject()
            entry["name"] = .string(stage.name)
            entry["phase"] = .string(stage.phase.rawValue)
            if let revision = stage.revision { entry["revision"] = .string(revision) }
            entry["message"] = .string(stage.message)
            entry["actions"] = .object(JSONObject(stage.actions.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer($0.value)) }))
            return .object(entry)
        })
        object["pruned"] = .array(outcome.pruned.map { .string($0) })
        return .object(object)
    }

    static func error(_ message: String) -> JSONValue {
        ["ok": false, "error": .string(message)]
    }
}
