import Foundation

/// Entry point for every HTTP request: admin API, fault injection, authentication, dispatch, logging.
extension EmulatedCluster {
    func handle(_ request: HTTPRequest, certificateIdentity: ClientIdentity?) -> HTTPResponse {
        if request.path == "/emulator/v1" || request.path.hasPrefix("/emulator/v1/") {
            return handleAdmin(request)
        }
        let query = request.query
        let info = RequestInfo(method: request.method, path: request.path, query: query)
        var record = RequestRecord(
            method: request.method, path: request.path, query: request.rawQuery,
            verb: info.verb, isResourceRequest: info.isResourceRequest, group: info.group, version: info.version,
            resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name,
            fieldManager: query["fieldManager"]?.first, dryRun: query["dryRun"] != nil, patchType: nil, user: nil, statusCode: 0)

        if let fault = takeFault(method: request.method, path: request.path) {
            if let delay = fault.delayMilliseconds, delay > 0 { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
            if fault.dropConnection == true {
                log(record)
                return HTTPResponse(status: 0, dropConnection: true)
            }
            if let error = fault.errorResponse() {
                record.statusCode = error.code
                log(record)
                return .status(error)
            }
        }

        var response: HTTPResponse
        if let identity = authenticate(request, certificateIdentity: certificateIdentity) {
            record.user = identity.user
            do {
                if info.isResourceRequest {
                    response = try handleResource(info, request, identity: identity, record: &record)
                } else {
                    response = try handleNonResource(request)
                }
            } catch {
                response = .status(error)
            }
        } else if ["/healthz", "/livez", "/readyz"].contains(request.path) {
            response = .text(200, "ok")
        } else {
            response = .status(.unauthorized())
        }
        if request.method == "HEAD" { response.body = [] }
        record.statusCode = response.status
        log(record)
        return response
    }

    private func authenticate(_ request: HTTPRequest, certificateIdentity: ClientIdentity?) -> ClientIdentity? {
        if let authorization = request.header("authorization"), authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst("bearer ".count).trimmingSpaces
            if let user = tokens[token] { return ClientIdentity(user: user, groups: ["system:authenticated"]) }
            return nil
        }
        return certificateIdentity
    }

    private func takeFault(method: String, path: String) -> FaultRule? {
        lock.lock()
        defer { lock.unlock() }
        guard let position = faults.firstIndex(where: { $0.matches(method: method, path: path) }) else { return nil }
        let fault = faults[position]
        if let times = fault.times {
            if times <= 1 { faults.remove(at: position) } else { faults[position].times = times - 1 }
        }
        return fault
    }

    private func log(_ record: RequestRecord) {
        lock.lock()
        defer { lock.unlock() }
        requestLog.append(record)
        if record.isResourceRequest {
            counters[RequestCounterKey(verb: record.verb, group: record.group, resource: record.resource), default: 0] += 1
        }
    }
}
