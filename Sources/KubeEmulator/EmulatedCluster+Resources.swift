import Foundation

/// Resource (object) requests: get, list, create, update, patch, delete, deletecollection.
extension EmulatedCluster {
    func handleResource(_ info: RequestInfo, _ request: HTTPRequest, identity: ClientIdentity, record: inout RequestRecord) throws(APIStatusError) -> HTTPResponse {
        let query = request.query
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        settle(now: now)

        guard let definition = definition(group: info.group, version: info.version, resource: info.resource) else {
            throw APIStatusError.resourceNotFound()
        }
        if !info.subresource.isEmpty && !(info.subresource == "status" && definition.hasStatus) {
            throw APIStatusError.resourceNotFound()
        }
        if !definition.namespaced && !info.namespace.isEmpty { throw APIStatusError.resourceNotFound() }
        if definition.namespaced && info.namespace.isEmpty && !info.name.isEmpty { throw APIStatusError.resourceNotFound() }

        try authorize(info, identity: identity)

        let dryRun = try Self.dryRun(query["dryRun"] ?? [])
        record.dryRun = dryRun
        record.fieldManager = query["fieldManager"]?.first
        let name = ObjectName(namespace: definition.namespaced ? info.namespace : "", name: info.name)
        let wantsTable = (request.header("accept") ?? "").contains("as=Table")

        switch info.verb {
        case "get":
            guard let stored = stored(definition.groupResource, name) else {
                throw APIStatusError.notFound(resource: definition.plural, group: definition.group, name: info.name)
            }
            let object = render(stored, definition: definition, version: info.version)
            if wantsTable { return .json(200, Tables.table(for: [object], definition: definition, resourceVersion: resourceVersion, query: query, now: now)) }
            return .json(200, object)
        case "list":
            let items = try list(definition: definition, version: info.version, namespace: info.namespace, query: query)
            if wantsTable { return .json(200, Tables.table(for: items, definition: definition, resourceVersion: resourceVersion, query: query, now: now)) }
            return .json(200, .object([
                "kind": .string(definition.listKind), "apiVersion": .string(definition.apiVersion(info.version)),
                "metadata": .object(["resourceVersion": .string(String(resourceVersion))]), "items": .array(items),
            ]))
        case "watch":
            throw APIStatusError(code: 405, reason: "MethodNotAllowed", message: "watch is not supported by the kube emulator",
                                 details: .object([:]))
        case "create":
            guard info.subresource.isEmpty else { throw APIStatusError.methodNotAllowed(request.method) }
            let body = try Self.parseObjectBody(request)
            return try create(definition: definition, version: info.version, namespace: info.namespace, body: body,
                              manager: Self.manager(query, request), dryRun: dryRun, now: now)
        case "update":
            let body = try Self.parseObjectBody(request)
            return try update(definition: definition, version: info.version, name: name, subresource: info.subresource, body: body,
                              manager: Self.manager(query, request), dryRun: dryRun, now: now)
        case "patch":
            let contentType = (request.header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
            record.patchType = Self.patchTypeName(contentType)
            return try patch(definition: definition, version: info.version, name: name, subresource: info.subresource,
                             contentType: contentType, request: request, query: query, dryRun: dryRun, now: now)
        case "delete":
            guard info.subresource.isEmpty else { throw APIStatusError.methodNotAllowed(request.method) }
            let options = try Self.deleteOptions(request, query)
            let dryRunDelete = dryRun || options.dryRun
            record.dryRun = dryRunDelete
            guard let current = stored(definition.groupResource, name) else {
                throw APIStatusError.notFound(resource: definition.plural, group: definition.group, name: info.name)
            }
            if let uid = options.uid, uid != current.object["metadata"]["uid"].stringValue {
                throw APIStatusError.conflict(resource: definition.plural, group: definition.group, name: info.name,
                                              message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.object["metadata"]["uid"].stringValue ?? "")")
            }
            if let version = options.resourceVersion, version != current.object["metadata"]["resourceVersion"].stringValue {
                throw APIStatusError.conflict(resource: definition.plural, group: definition.group, name: info.name,
                                              message: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(current.object["metadata"]["resourceVersion"].stringValue ?? "")")
            }
            let result = delete(definition: definition, name: name, propagation: options.propagation, dryRun: dryRunDelete, now: now)!
            return .json(200, render(result, definition: definition, version: info.version))
        case "deletecollection":
            let options = try Self.deleteOptions(request, query)
            let dryRunDelete = dryRun || options.dryRun
            let selected = try select(definition: definition, namespace: info.namespace, query: query)
            var items: [JSONValue] = []
            for (objectName, _) in selected {
                if let result = delete(definition: definition, name: objectName, propagation: options.propagation, dryRun: dryRunDelete, now: now) {
                    items.append(render(result, definition: definition, version: info.version))
                }
            }
            return .json(200, .object([
                "kind": .string(definition.listKind), "apiVersion": .string(definition.apiVersion(info.version)),
                "metadata": .object(["resourceVersion": .string(String(resourceVersion))]), "items": .array(items),
            ]))
        default:
            throw APIStatusError.methodNotAllowed(request.method)
        }
    }

    // MARK: authorization

    private func authorize(_ info: RequestInfo, identity: ClientIdentity) throws(APIStatusError) {
        let resource = info.authorizationResource
        guard denyRules.contains(where: { $0.matches(user: identity.user, verb: info.verb, group: info.group, resource: resource, namespace: info.namespace) }) else {
            return
        }
        let scope = info.namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(info.namespace)\""
        let qualified = APIStatusError.qualified(resource, info.group)
        let subjectQualified = info.name.isEmpty ? qualified : "\(qualified) \"\(info.name)\""
        throw APIStatusError(code: 403, reason: "Forbidden",
                             message: "\(subjectQualified) is forbidden: User \"\(identity.user)\" cannot \(info.verb) resource \"\(resource)\" in API group \"\(info.group)\" \(scope)",
                             details: APIStatusError.details(name: info.name, group: info.group, kind: info.resource))
    }

    // MARK: list

    func select(definition: ResourceDefinition, namespace: String, query: [String: [String]]) throws(APIStatusError) -> [(ObjectName, StoredObject)] {
        let labelSelector = try query["labelSelector"]?.first.map { text throws(APIStatusError) in try LabelSelector.parse(text) }
        let fieldSelector = try query["fieldSelector"]?.first.map { text throws(APIStatusError) in try FieldSelector.parse(text) }
        let bucket = objects[definition.groupResource] ?? [:]
        return bucket.filter { name, stored in
            if !namespace.isEmpty && name.namespace != namespace { return false }
            if let fieldSelector, !fieldSelector.matches(name: name.name, namespace: name.namespace) { return false }
            if let labelSelector {
                let labels = (stored.object["metadata"]["labels"].objectValue ?? [:]).compactMapValues(\.stringValue)
                if !labelSelector.matches(labels) { return false }
            }
            return true
        }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private func list(definition: ResourceDefinition, version: String, namespace: String, query: [String: [String]]) throws(APIStatusError) -> [JSONValue] {
        try select(definition: definition, namespace: namespace, query: query).map { render($0.1, definition: definition, version: version) }
    }

    // MARK: writes

    private func create(definition: ResourceDefinition, version: String, namespace: String, body: JSONValue, manager: String,
                        dryRun: Bool, now: Date) throws(APIStatusError) -> HTTPResponse {
        try Self.checkKind(body, definition: definition, version: version)
        var object = body
        var objectName = body["metadata"]["name"].stringValue ?? ""
        if objectName.isEmpty, let prefix = body["metadata"]["generateName"].stringValue, !prefix.isEmpty {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            objectName = prefix + String((0..<5).map { _ in alphabet.randomElement()! })
        }
        if definition.namespaced, let bodyNamespace = body["metadata"]["namespace"].stringValue, !bodyNamespace.isEmpty, bodyNamespace != namespace {
            throw APIStatusError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if objectName.isEmpty {
            throw APIStatusError.invalid(kind: definition.kind, group: definition.group, name: "",
                                         causes: [.required("metadata.name", "name or generateName is required")])
        }
        let name = ObjectName(namespace: definition.namespaced ? namespace : "", name: objectName)
        try requireNamespaceForCreate(namespace, definition: definition, name: objectName)
        if stored(definition.groupResource, name) != nil {
            throw APIStatusError.alreadyExists(resource: definition.plural, group: definition.group, name: objectName)
        }
        object.set(path: ["metadata", "name"], to: .string(objectName))
        let scope: ServerSideApply.Scope = definition.hasStatus ? .mainResource : .whole
        let result = try commit(definition: definition, version: version, name: name, old: nil, candidate: object,
                                ownership: .update(manager: manager), scope: scope, dryRun: dryRun, now: now)
        return .json(201, render(result, definition: definition, version: version))
    }

    private func update(definition: ResourceDefinition, version: String, name: ObjectName, subresource: String, body: JSONValue,
                        manager: String, dryRun: Bool, now: Date) throws(APIStatusError) -> HTTPResponse {
        try Self.checkKind(body, definition: definition, version: version)
        if let bodyName = body["metadata"]["name"].stringValue, bodyName != name.name {
            throw APIStatusError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name.name))")
        }
        guard let current = stored(definition.groupResource, name) else {
            throw APIStatusError.notFound(resource: definition.plural, group: definition.group, name: name.name)
        }
        try checkResourceVersion(body, current: current, definition: definition, name: name.name)
        let ownership = explicitOwnership(body, current: current) ?? .update(manager: manager)
        let result = try commit(definition: definition, version: version, name: name, old: current, candidate: body, ownership: ownership,
                                scope: Self.scope(definition, subresource), dryRun: dryRun, now: now)
        return .json(200, render(result, definition: definition, version: version))
    }

    private func patch(definition: ResourceDefinition, version: String, name: ObjectName, subresource: String, contentType: String,
                       request: HTTPRequest, query: [String: [String]], dryRun: Bool, now: Date) throws(APIStatusError) -> HTTPResponse {
        let scope = Self.scope(definition, subresource)
        let cursor = SchemaCursor(definition: definition, version: version)
        let current = stored(definition.groupResource, name)
        if contentType == "application/apply-patch+yaml" {
            guard let manager = query["fieldManager"]?.first, !manager.isEmpty else {
                throw APIStatusError.badRequest("PATCH \(request.path): fieldManager is required for apply requests")
            }
            let firstByte = request.body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            guard firstByte == UInt8(ascii: "{") else {
                throw APIStatusError(code: 415, reason: "UnsupportedMediaType",
                                     message: "the kube emulator only accepts JSON bodies for application/apply-patch+yaml (JSON is valid YAML); convert YAML to JSON first")
            }
            var config = try Self.parseObjectBody(request)
            guard !config["apiVersion"].isNull, !config["kind"].isNull else {
                throw APIStatusError.badRequest("error decoding YAML: Object 'Kind' is missing in '\(String(decoding: request.body.prefix(200), as: UTF8.self))'")
            }
            try Self.checkKind(config, definition: definition, version: version)
            if let bodyName = config["metadata"]["name"].stringValue, bodyName != name.name {
                throw APIStatusError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name.name))")
            }
            if definition.namespaced, let bodyNamespace = config["metadata"]["namespace"].stringValue, !bodyNamespace.isEmpty, bodyNamespace != name.namespace {
                throw APIStatusError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            if !config["metadata"]["managedFields"].isNull {
                throw APIStatusError.badRequest("metadata.managedFields must be nil")
            }
            if query["fieldValidation"]?.first == "Strict" {
                try StrictFieldValidation.check(config, cursor: cursor, definition: definition)
            }
            let forceValues = query["force"] ?? []
            let force = forceValues.contains("true") || forceValues.contains("1")
            if current == nil {
                if scope == .statusSubresource {
                    throw APIStatusError.notFound(resource: definition.plural, group: definition.group, name: name.name)
                }
                try requireNamespaceForCreate(name.namespace, definition: definition, name: name.name)
            }
            if let current { try checkResourceVersion(config, current: current, definition: definition, name: name.name) }
            Defaulting.defaultAppliedKeys(&config, definition: definition)
            var live = current?.object ?? .object([:])
            if current == nil {
                live.set(path: ["metadata", "name"], to: .string(name.name))
                if definition.namespaced { live.set(path: ["metadata", "namespace"], to: .string(name.namespace)) }
            }
            let (merged, entries) = try ServerSideApply.apply(
                live: live, entries: current?.managedFields ?? [], config: config, manager: manager,
                apiVersion: definition.apiVersion(version), force: force, scope: current == nil && scope == .mainResource ? .mainResource : scope,
                cursor: cursor, now: Timestamps.string(now))
            let result = try commit(definition: definition, version: version, name: name, old: current, candidate: merged,
                                    ownership: .apply(entries), scope: scope, dryRun: dryRun, now: now)
            return .json(current == nil ? 201 : 200, render(result, definition: definition, version: version))
        }

        guard let current else {
            throw APIStatusError.notFound(resource: definition.plural, group: definition.group, name: name.name)
        }
        let patchBody: JSONValue
        do {
            patchBody = try JSONParser.parse(request.body)
        } catch {
            throw APIStatusError.badRequest("error decoding patch: \(error)")
        }
        let rendered = render(current, definition: definition, version: version)
        let patched: JSONValue
        switch contentType {
        case "application/merge-patch+json":
            patched = PatchOperations.mergePatch(rendered, patchBody)
        case "application/strategic-merge-patch+json":
            if definition.isCustom {
                throw APIStatusError(code: 415, reason: "UnsupportedMediaType",
                                     message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
            }
            patched = try PatchOperations.strategicMergePatch(rendered, patchBody, cursor: cursor)
        case "application/json-patch+json":
            patched = try PatchOperations.jsonPatch(rendered, patchBody)
        default:
            throw APIStatusError.unsupportedMediaType(contentType)
        }
        guard patched.isObject else { throw APIStatusError.badRequest("the patch did not produce an object") }
        if patched["metadata"]["name"].stringValue != name.name {
            throw APIStatusError.badRequest("the name of the object (\(patched["metadata"]["name"].stringValue ?? "")) does not match the name on the URL (\(name.name))")
        }
        try checkResourceVersion(patched, current: current, definition: definition, name: name.name)
        let ownership = explicitOwnership(patched, current: current) ?? .update(manager: Self.manager(query, request))
        let result = try commit(definition: definition, version: version, name: name, old: current, candidate: patched, ownership: ownership,
                                scope: scope, dryRun: dryRun, now: now)
        return .json(200, render(result, definition: definition, version: version))
    }

    // MARK: helpers

    private func checkResourceVersion(_ body: JSONValue, current: StoredObject, definition: ResourceDefinition, name: String) throws(APIStatusError) {
        guard let wanted = body["metadata"]["resourceVersion"].stringValue, !wanted.isEmpty else { return }
        if wanted != current.object["metadata"]["resourceVersion"].stringValue {
            throw APIStatusError.conflict(resource: definition.plural, group: definition.group, name: name,
                                          message: "the object has been modified; please apply your changes to the latest version and try again")
        }
    }

    /// A write that carries different `managedFields` than stored replaces them (as the real server does).
    private func explicitOwnership(_ body: JSONValue, current: StoredObject) -> FieldOwnership? {
        guard case .array(let entries) = body["metadata"]["managedFields"] else { return nil }
        let decoded = entries.compactMap(ManagedFieldsEntry.init(json:))
        if decoded == current.managedFields { return nil }
        return .explicit(decoded)
    }

    static func scope(_ definition: ResourceDefinition, _ subresource: String) -> ServerSideApply.Scope {
        if subresource == "status" { return .statusSubresource }
        return definition.hasStatus ? .mainResource : .whole
    }

    static func dryRun(_ values: [String]) throws(APIStatusError) -> Bool {
        for value in values where value != "All" {
            throw APIStatusError.badRequest("Invalid dry run value: \(value); valid values are [\"All\"]")
        }
        return !values.isEmpty
    }

    static func manager(_ query: [String: [String]], _ request: HTTPRequest) -> String {
        if let manager = query["fieldManager"]?.first, !manager.isEmpty { return manager }
        let agent = request.header("user-agent") ?? "unknown"
        return String(agent.split(separator: "/").first ?? "unknown")
    }

    static func patchTypeName(_ contentType: String) -> String {
        switch contentType {
        case "application/apply-patch+yaml": return "apply"
        case "application/merge-patch+json": return "merge"
        case "application/strategic-merge-patch+json": return "strategic"
        case "application/json-patch+json": return "json"
        default: return contentType
        }
    }

    static func parseObjectBody(_ request: HTTPRequest) throws(APIStatusError) -> JSONValue {
        let contentType = request.header("content-type") ?? "application/json"
        if contentType.contains("yaml") && !contentType.contains("apply-patch") {
            let firstByte = request.body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            if firstByte != UInt8(ascii: "{") { throw APIStatusError.unsupportedMediaType(contentType) }
        }
        if contentType.contains("protobuf") || contentType.contains("cbor") { throw APIStatusError.unsupportedMediaType(contentType) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(request.body)
        } catch {
            throw APIStatusError.badRequest("couldn't get version/kind; json parse error: \(error)")
        }
        guard value.isObject else { throw APIStatusError.badRequest("the body of the request must be a JSON object") }
        return value
    }

    static func checkKind(_ body: JSONValue, definition: ResourceDefinition, version: String) throws(APIStatusError) {
        if let kind = body["kind"].stringValue, !kind.isEmpty, kind != definition.kind {
            throw APIStatusError.badRequest("\(kind) in version \"\(version)\" cannot be handled as a \(definition.kind): the object kind does not match the resource")
        }
        if let apiVersion = body["apiVersion"].stringValue, !apiVersion.isEmpty, apiVersion != definition.apiVersion(version) {
            throw APIStatusError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(definition.apiVersion(version)))")
        }
    }

    struct DeleteOptions {
        var propagation = "Background"
        var dryRun = false
        var uid: String?
        var resourceVersion: String?
    }

    static func deleteOptions(_ request: HTTPRequest, _ query: [String: [String]]) throws(APIStatusError) -> DeleteOptions {
        var options = DeleteOptions()
        if !request.body.isEmpty, let body = try? JSONParser.parse(request.body) {
            if let policy = body["propagationPolicy"].stringValue { options.propagation = policy }
            if let values = body["dryRun"].arrayValue?.compactMap(\.stringValue), !values.isEmpty { options.dryRun = try dryRun(values) }
            if body["orphanDependents"].boolValue == true { options.propagation = "Orphan" }
            options.uid = body["preconditions"]["uid"].stringValue
            options.resourceVersion = body["preconditions"]["resourceVersion"].stringValue
        }
        if let policy = query["propagationPolicy"]?.first { options.propagation = policy }
        guard ["Background", "Foreground", "Orphan"].contains(options.propagation) else {
            throw APIStatusError.badRequest("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(options.propagation)\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
        }
        return options
    }
}
