import Foundation

/// `meta.k8s.io/v1` Table answers for `kubectl get` (Name and Age columns, plus a few per kind).
enum Tables {
    static func table(for objects: [JSONValue], definition: ResourceDefinition, resourceVersion: Int64, query: [String: [String]], now: Date) -> JSONValue {
        let includeObject = query["includeObject"]?.first ?? "Metadata"
        var columns: [(String, String)] = [("Name", "name")]
        let extra = extraColumns(definition)
        columns.append(contentsOf: extra.map { ($0.0, "") })
        columns.append(("Age", ""))
        let rows: [JSONValue] = objects.map { object in
            var cells: [JSONValue] = [object["metadata"]["name"]]
            cells.append(contentsOf: extra.map { .string($0.1(object)) })
            cells.append(.string(age(object["metadata"]["creationTimestamp"].stringValue, now: now)))
            var row: JSONValue = .object(["cells": .array(cells)])
            switch includeObject {
            case "None": break
            case "Object": row["object"] = object
            default:
                row["object"] = .object(["kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"),
                                         "metadata": object["metadata"]])
            }
            return row
        }
        return .object([
            "kind": .string("Table"), "apiVersion": .string("meta.k8s.io/v1"),
            "metadata": .object(["resourceVersion": .string(String(resourceVersion))]),
            "columnDefinitions": .array(columns.map { name, format in
                .object(["name": .string(name), "type": .string("string"), "format": .string(format),
                         "description": .string(name), "priority": .integer(0)])
            }),
            "rows": .array(rows),
        ])
    }

    private static func extraColumns(_ definition: ResourceDefinition) -> [(String, (JSONValue) -> String)] {
        switch (definition.group, definition.kind) {
        case ("apps", "Deployment"), ("apps", "StatefulSet"):
            return [("Ready", { "\($0["status"]["readyReplicas"].intValue ?? 0)/\($0["spec"]["replicas"].intValue ?? 1)" })]
        case ("", "Pod"):
            return [("Status", { $0["status"]["phase"].stringValue ?? "" })]
        case ("", "Namespace"), ("", "PersistentVolumeClaim"):
            return [("Status", { $0["status"]["phase"].stringValue ?? "" })]
        case ("", "Service"):
            return [("Type", { $0["spec"]["type"].stringValue ?? "" }), ("Cluster-IP", { $0["spec"]["clusterIP"].stringValue ?? "" })]
        case ("batch", "Job"):
            return [("Status", { object in
                let conditions = object["status"]["conditions"].arrayValue ?? []
                if conditions.contains(where: { $0["type"].stringValue == "Complete" && $0["status"].stringValue == "True" }) { return "Complete" }
                if conditions.contains(where: { $0["type"].stringValue == "Failed" && $0["status"].stringValue == "True" }) { return "Failed" }
                return "Running"
            })]
        default:
            return []
        }
    }

    /// kubectl-style short age ("12s", "5m", "3h", "2d").
    static func age(_ timestamp: String?, now: Date) -> String {
        guard let created = Timestamps.parse(timestamp) else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince(created)))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 3600 * 3 { return "\(seconds / 60)m" }
        if seconds < 86400 * 2 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}
