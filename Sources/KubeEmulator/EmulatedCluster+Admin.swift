import Foundation

/// Knobs and observations shared by the library API and the admin HTTP API (`/emulator/v1/...`).
extension EmulatedCluster {
    struct Settings: Codable, Sendable {
        var defaultReadiness: String?
        var crdEstablishDelaySeconds: Double?
    }

    struct CounterEntry: Codable, Sendable {
        var verb: String
        var group: String
        var resource: String
        var count: Int
    }

    func setDefaultReadiness(_ readiness: Readiness) { withLock { defaultReadiness = readiness } }
    func setCRDEstablishDelay(_ seconds: Double) { withLock { crdEstablishDelay = seconds } }
    func addDenyRule(_ rule: DenyRule) { withLock { denyRules.append(rule) } }
    func clearDenyRules() { withLock { denyRules.removeAll() } }
    func addFault(_ rule: FaultRule) { withLock { faults.append(rule) } }
    func clearFaults() { withLock { faults.removeAll() } }
    func snapshotLog() -> [RequestRecord] { withLock { requestLog } }
    func snapshotCounters() -> [RequestCounterKey: Int] { withLock { counters } }
    func resetLog() {
        withLock {
            requestLog.removeAll()
            counters.removeAll()
        }
    }

    /// Deletes every object except the initial namespaces and stops serving custom resources.
    func resetObjects() {
        let fresh = EmulatedCluster(tokens: tokens)
        withLock {
            objects = fresh.objects
            servedCustom.removeAll()
            pendingEstablishment.removeAll()
            pendingReadiness.removeAll()
        }
    }

    /// The current object (as served in its preferred version), for in-process assertions.
    func object(group: String, resource: String, namespace: String, name: String) -> JSONValue? {
        withLock {
            settle(now: Date())
            let key = GroupResource(group: group, resource: resource)
            guard let definition = builtIns[key] ?? servedCustom[key],
                  let stored = objects[key]?[ObjectName(namespace: definition.namespaced ? namespace : "", name: name)] else { return nil }
            return render(stored, definition: definition, version: definition.preferredVersion)
        }
    }

    func handleAdmin(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let resource = String(path.dropFirst("/emulator/v1".count))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func encoded<T: Encodable>(_ value: T) -> HTTPResponse {
            guard let data = try? encoder.encode(value) else { return .text(500, "encoding failed") }
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(data))
        }
        func decoded<T: Decodable>(_ type: T.Type) -> T? {
            try? JSONDecoder().decode(type, from: Data(request.body))
        }
        let ok = HTTPResponse.json(200, .object(["status": .string("ok")]))
        func bad(_ message: String) -> HTTPResponse { .json(400, .object(["error": .string(message)])) }

        switch (request.method, resource) {
        case ("GET", ""), ("GET", "/healthz"):
            return ok
        case ("GET", "/requests"):
            struct Log: Codable { var items: [RequestRecord] }
            return encoded(Log(items: snapshotLog()))
        case ("DELETE", "/requests"), ("POST", "/requests/reset"), ("DELETE", "/counters"):
            resetLog()
            return ok
        case ("GET", "/counters"):
            struct Counters: Codable { var items: [CounterEntry]; var total: Int }
            let entries = snapshotCounters().map { CounterEntry(verb: $0.key.verb, group: $0.key.group, resource: $0.key.resource, count: $0.value) }
                .sorted { ($0.group, $0.resource, $0.verb) < ($1.group, $1.resource, $1.verb) }
            return encoded(Counters(items: entries, total: entries.reduce(0) { $0 + $1.count }))
        case ("GET", "/settings"):
            return encoded(withLock { Settings(defaultReadiness: defaultReadiness.description, crdEstablishDelaySeconds: crdEstablishDelay) })
        case ("PUT", "/settings"), ("PATCH", "/settings"), ("POST", "/settings"):
            guard let settings = decoded(Settings.self) else { return bad("expected {\"defaultReadiness\": ..., \"crdEstablishDelaySeconds\": ...}") }
            if let text = settings.defaultReadiness {
                guard let readiness = Readiness(parsing: text) else { return bad("invalid readiness \(text)") }
                setDefaultReadiness(readiness)
            }
            if let seconds = settings.crdEstablishDelaySeconds { setCRDEstablishDelay(seconds) }
            return encoded(withLock { Settings(defaultReadiness: defaultReadiness.description, crdEstablishDelaySeconds: crdEstablishDelay) })
        case ("GET", "/deny-rules"):
            struct Rules: Codable { var items: [DenyRule] }
            return encoded(Rules(items: withLock { denyRules }))
        case ("POST", "/deny-rules"):
            guard let rule = decoded(DenyRule.self) else { return bad("expected a deny rule {user?, verb, group, resource, namespace?}") }
            addDenyRule(rule)
            return ok
        case ("DELETE", "/deny-rules"):
            clearDenyRules()
            return ok
        case ("GET", "/faults"):
            struct Faults: Codable { var items: [FaultRule] }
            return encoded(Faults(items: withLock { faults }))
        case ("POST", "/faults"):
            guard let rule = decoded(FaultRule.self) else { return bad("expected a fault rule {method?, pathPrefix, times?, status?, retryAfterSeconds?, delayMilliseconds?, dropConnection?}") }
            addFault(rule)
            return ok
        case ("DELETE", "/faults"):
            clearFaults()
            return ok
        case ("POST", "/reset"):
            resetObjects()
            clearFaults()
            clearDenyRules()
            resetLog()
            return ok
        default:
            return .json(404, .object(["error": .string("unknown admin endpoint \(request.method) \(request.path)")]))
        }
    }
}
