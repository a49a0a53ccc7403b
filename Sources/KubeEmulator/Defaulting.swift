import Foundation

/// The defaults kube-apiserver fills in that clients commonly observe (and that SSA must not own).
struct Defaulting {
    /// Allocates ClusterIPs (10.96.0.0/12) and NodePorts (30000-32767).
    final class Allocator: @unchecked Sendable {
        private var nextIP = 10
        private var nextNodePort = 30000

        func clusterIP() -> String {
            nextIP += 1
            return "10.96.\(nextIP / 254).\(nextIP % 254 + 1)"
        }

        func nodePort() -> Int64 {
            nextNodePort += 1
            if nextNodePort > 32767 { nextNodePort = 30001 }
            return Int64(nextNodePort)
        }
    }

    static func apply(to object: inout JSONValue, old: JSONValue?, definition: ResourceDefinition, allocator: Allocator) {
        switch (definition.group, definition.kind) {
        case ("", "Service"): defaultService(&object, old: old, allocator: allocator)
        case ("", "Pod"): defaultPodSpec(&object, path: ["spec"])
        case ("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "ReplicaSet"):
            if object["spec"]["replicas"].isNull { object.set(path: ["spec", "replicas"], to: .integer(1)) }
            defaultPodSpec(&object, path: ["spec", "template", "spec"])
        case ("apps", "DaemonSet"), ("batch", "Job"):
            defaultPodSpec(&object, path: ["spec", "template", "spec"])
        case ("batch", "CronJob"):
            defaultPodSpec(&object, path: ["spec", "jobTemplate", "spec", "template", "spec"])
        case ("", "Secret"):
            if object["type"].isNull { object["type"] = .string("Opaque") }
            if let stringData = object["stringData"].objectValue {
                var data = object["data"].objectValue ?? [:]
                for (key, value) in stringData {
                    data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
                }
                object["data"] = .object(data)
                object.removeMember("stringData")
            }
        case ("", "Namespace"):
            let name = object["metadata"]["name"].stringValue ?? ""
            object.set(path: ["metadata", "labels", "kubernetes.io/metadata.name"], to: .string(name))
            if object["spec"]["finalizers"].isNull { object.set(path: ["spec", "finalizers"], to: .array([.string("kubernetes")])) }
        default:
            break
        }
    }

    /// Fills `protocol: TCP` into container ports (their associative key includes the protocol).
    static func defaultPodSpec(_ object: inout JSONValue, path: [String]) {
        var spec = object[path: path]
        guard spec.isObject else { return }
        for field in ["containers", "initContainers", "ephemeralContainers"] {
            guard let containers = spec[field].arrayValue else { continue }
            spec[field] = .array(containers.map { container in
                var copy = container
                if let ports = container["ports"].arrayValue {
                    copy["ports"] = .array(ports.map { port in
                        var portCopy = port
                        if portCopy["protocol"].isNull, portCopy.isObject { portCopy["protocol"] = .string("TCP") }
                        return portCopy
                    })
                }
                return copy
            })
        }
        object.set(path: path, to: spec)
    }

    /// Defaults for a configuration before it is applied: associative keys with defaults.
    static func defaultAppliedKeys(_ config: inout JSONValue, definition: ResourceDefinition) {
        switch (definition.group, definition.kind) {
        case ("", "Service"):
            if let ports = config["spec"]["ports"].arrayValue {
                config.set(path: ["spec", "ports"], to: .array(ports.map { port in
                    var copy = port
                    if copy["protocol"].isNull, copy.isObject { copy["protocol"] = .string("TCP") }
                    return copy
                }))
            }
        case ("", "Pod"): defaultPodSpec(&config, path: ["spec"])
        case ("apps", _), ("batch", "Job"): defaultPodSpec(&config, path: ["spec", "template", "spec"])
        case ("batch", "CronJob"): defaultPodSpec(&config, path: ["spec", "jobTemplate", "spec", "template", "spec"])
        default: break
        }
    }

    private static func defaultService(_ object: inout JSONValue, old: JSONValue?, allocator: Allocator) {
        var spec = object["spec"].objectValue.map(JSONValue.object) ?? .object([:])
        if spec["type"].isNull { spec["type"] = .string("ClusterIP") }
        let type = spec["type"].stringValue ?? "ClusterIP"
        let oldPorts = old?["spec"]["ports"].arrayValue ?? []
        if let ports = spec["ports"].arrayValue {
            spec["ports"] = .array(ports.map { port in
                var copy = port
                if copy["protocol"].isNull { copy["protocol"] = .string("TCP") }
                if copy["targetPort"].isNull { copy["targetPort"] = copy["port"] }
                if type == "NodePort" || type == "LoadBalancer", copy["nodePort"].isNull {
                    let previous = oldPorts.first { $0["port"] == copy["port"] && $0["protocol"] == copy["protocol"] }
                    copy["nodePort"] = previous?["nodePort"].intValue.map(JSONValue.integer) ?? .integer(allocator.nodePort())
                }
                return copy
            })
        }
        if type != "ExternalName" {
            if (spec["clusterIP"].stringValue ?? "").isEmpty {
                if let oldIP = old?["spec"]["clusterIP"].stringValue, !oldIP.isEmpty {
                    spec["clusterIP"] = .string(oldIP)
                    spec["clusterIPs"] = old?["spec"]["clusterIPs"] ?? .array([.string(oldIP)])
                } else {
                    spec["clusterIP"] = .string(allocator.clusterIP())
                }
            }
            if spec["clusterIPs"].isNull || spec["clusterIPs"].arrayValue?.first != spec["clusterIP"] {
                spec["clusterIPs"] = .array([spec["clusterIP"]])
            }
            if spec["sessionAffinity"].isNull { spec["sessionAffinity"] = .string("None") }
            if spec["ipFamilies"].isNull { spec["ipFamilies"] = .array([.string("IPv4")]) }
            if spec["ipFamilyPolicy"].isNull { spec["ipFamilyPolicy"] = .string("SingleStack") }
            if spec["internalTrafficPolicy"].isNull { spec["internalTrafficPolicy"] = .string("Cluster") }
        }
        object["spec"] = spec
    }
}
