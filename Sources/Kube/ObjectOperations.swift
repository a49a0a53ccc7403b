#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON

extension KubeClient {
    /// Server-side applies `object` (`PATCH …?fieldManager=…&force=true&fieldValidation=Strict`,
    /// `application/apply-patch+yaml`, JSON body). Server-owned metadata (`managedFields`,
    /// `resourceVersion`, `uid`, `creationTimestamp`, `generation`, …) is dropped from the body; a
    /// namespaced object without a namespace goes to `defaultNamespace`, a cluster-scoped one loses
    /// its namespace.
    public func apply(_ object: JSONObject, options: ApplyOptions = ApplyOptions()) async throws(KubeError) -> ApplyResult {
        var reference = try ObjectReference(object: object)
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind, object: reference)
        let body = placed(Self.withoutServerOwnedMetadata(object), resource: resource, reference: &reference)

        let manager = options.fieldManager ?? configuration.fieldManager
        var query: [(String, String)] = [("fieldManager", manager)]
        if options.force { query.append(("force", "true")) }
        query.append(("fieldValidation", options.fieldValidation.rawValue))
        if options.dryRun { query.append(("dryRun", "All")) }
        let operation = options.dryRun ? "apply (dry run)" : "apply"
        let response = try await perform(APIRequest(
            method: .patch, path: resource.objectPath(namespace: reference.namespace, name: reference.name), query: query,
            body: JSONSerializer().serialize(.object(body)).asData, contentType: "application/apply-patch+yaml",
            operation: operation, object: reference))
        let live = try decodeObject(response, operation: operation, object: reference)
        return ApplyResult(object: live, created: response.status == 201, warnings: Self.warnings(response))
    }

    /// Reads one object; nil when it (or its namespace) does not exist. A nil namespace of a
    /// namespaced kind means `defaultNamespace`.
    public func get(_ reference: ObjectReference) async throws(KubeError) -> JSONObject? {
        let (resource, target) = try await locate(reference)
        do {
            let response = try await perform(APIRequest(
                method: .get, path: resource.objectPath(namespace: target.namespace, name: target.name), operation: "get", object: target))
            return try decodeObject(response, operation: "get", object: target)
        } catch where error.code == .notFound {
            return nil
        }
    }

    /// Lists objects of a kind, optionally filtered by label and field selectors, following
    /// `continue` tokens. Items carry `apiVersion` and `kind` (list items on the wire do not).
    public func list(
        apiVersion: String, kind: String, in scope: ListScope = .allNamespaces, labelSelector: String? = nil, fieldSelector: String? = nil
    ) async throws(KubeError) -> [JSONObject] {
        let resource = try await resource(apiVersion: apiVersion, kind: kind, object: nil)
        var namespace: String?
        if case .namespace(let name) = scope { namespace = name }
        let label = resource.qualifiedName + (resource.namespaced && namespace != nil ? " in namespace \(namespace!)" : "")
        var items: [JSONObject] = []
        var continueToken: String?
        repeat {
            var query: [(String, String)] = []
            if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
            if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
            if let pageSize = configuration.listPageSize, pageSize > 0 { query.append(("limit", String(pageSize))) }
            if let continueToken { query.append(("continue", continueToken)) }
            let response = try await perform(APIRequest(
                method: .get, path: resource.collectionPath(namespace: namespace), query: query, operation: "list", resourceLabel: label))
            let page = try decodeObject(response, operation: "list \(label)", object: nil)
            for item in page["items"]?.arrayValue ?? [] {
                guard var object = item.objectValue else { continue }
                if object["apiVersion"] == nil { object["apiVersion"] = .string(resource.apiVersion) }
                if object["kind"] == nil { object["kind"] = .string(resource.kind) }
                items.append(object)
            }
            continueToken = page["metadata"]?["continue"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while continueToken != nil
        return items
    }

    /// Deletes one object with a propagation policy; returns false when it was already absent.
    /// `preconditionUID` makes the delete fail with `.conflict` if the name now belongs to another object.
    @discardableResult
    public func delete(
        _ reference: ObjectReference, propagation: DeletePropagation = .background, dryRun: Bool = false, preconditionUID: String? = nil
    ) async throws(KubeError) -> Bool {
        let (resource, target) = try await locate(reference)
        var options = JSONObject([("apiVersion", "v1"), ("kind", "DeleteOptions"), ("propagationPolicy", .string(propagation.rawValue))])
        if dryRun { options["dryRun"] = ["All"] }
        if let preconditionUID { options["preconditions"] = ["uid": .string(preconditionUID)] }
        var query: [(String, String)] = []
        if dryRun { query.append(("dryRun", "All")) }
        do {
            _ = try await perform(APIRequest(
                method: .delete, path: resource.objectPath(namespace: target.namespace, name: target.name), query: query,
                body: JSONSerializer().serialize(.object(options)).asData, contentType: "application/json",
                operation: dryRun ? "delete (dry run)" : "delete", object: target))
            return true
        } catch where error.code == .notFound {
            return false
        }
    }

    /// Creates an object (POST). `metadata.generateName` without a name is allowed; such a create
    /// is only retried after 429 (a lost answer could otherwise create two objects).
    public func create(_ object: JSONObject, dryRun: Bool = false, fieldManager: String? = nil) async throws(KubeError) -> JSONObject {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else {
            throw KubeError(.invalidObject, "create: the object has no apiVersion or kind")
        }
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        if name.isEmpty, object["metadata"]?["generateName"]?.stringValue?.isEmpty != false {
            throw KubeError(.invalidObject, "create \(kind): the object has neither metadata.name nor metadata.generateName")
        }
        var reference = ObjectReference(
            apiVersion: apiVersion, kind: kind, namespace: object["metadata"]?["namespace"]?.stringValue,
            name: name.isEmpty ? (object["metadata"]?["generateName"]?.stringValue ?? "") + "*" : name)
        let resource = try await resource(apiVersion: apiVersion, kind: kind, object: reference)
        let body = placed(object, resource: resource, reference: &reference)
        var query: [(String, String)] = [("fieldManager", fieldManager ?? configuration.fieldManager)]
        if dryRun { query.append(("dryRun", "All")) }
        let response = try await perform(APIRequest(
            method: .post, path: resource.collectionPath(namespace: reference.namespace), query: query,
            body: JSONSerializer().serialize(.object(body)).asData, contentType: "application/json",
            operation: dryRun ? "create (dry run)" : "create", object: reference, retryable: !name.isEmpty))
        return try decodeObject(response, operation: "create", object: reference)
    }

    /// Replaces an object (PUT); include `metadata.resourceVersion` for optimistic concurrency
    /// (a stale one fails with `.conflict`).
    public func update(_ object: JSONObject, dryRun: Bool = false, fieldManager: String? = nil) async throws(KubeError) -> JSONObject {
        var reference = try ObjectReference(object: object)
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind, object: reference)
        let body = placed(object, resource: resource, reference: &reference)
        var query: [(String, String)] = [("fieldManager", fieldManager ?? configuration.fieldManager)]
        if dryRun { query.append(("dryRun", "All")) }
        let response = try await perform(APIRequest(
            method: .put, path: resource.objectPath(namespace: reference.namespace, name: reference.name), query: query,
            body: JSONSerializer().serialize(.object(body)).asData, contentType: "application/json",
            operation: dryRun ? "update (dry run)" : "update", object: reference))
        return try decodeObject(response, operation: "update", object: reference)
    }

    /// `GET /version` (also a cheap connectivity and credential check).
    public func serverVersion() async throws(KubeError) -> JSONObject {
        let response = try await perform(APIRequest(method: .get, path: "/version", operation: "version", resourceLabel: "/version"))
        return try decodeObject(response, operation: "version", object: nil)
    }

    // MARK: helpers

    /// The resource of a reference and the reference with its effective namespace.
    private func locate(_ reference: ObjectReference) async throws(KubeError) -> (APIResource, ObjectReference) {
        let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind, object: reference)
        var target = reference
        target.namespace = resource.namespaced ? (reference.namespace ?? defaultNamespace) : nil
        return (resource, target)
    }

    /// The object with its namespace set (namespaced) or removed (cluster-scoped).
    private func placed(_ object: JSONObject, resource: APIResource, reference: inout ObjectReference) -> JSONObject {
        var body = object
        var metadata = body["metadata"]?.objectValue ?? JSONObject()
        if resource.namespaced {
            let namespace = reference.namespace ?? defaultNamespace
            reference.namespace = namespace
            metadata["namespace"] = .string(namespace)
        } else {
            reference.namespace = nil
            metadata.removeValue(forKey: "namespace")
        }
        body["metadata"] = .object(metadata)
        return body
    }

    static let serverOwnedMetadata = [
        "managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ]

    static func withoutServerOwnedMetadata(_ object: JSONObject) -> JSONObject {
        guard var metadata = object["metadata"]?.objectValue else { return object }
        for key in serverOwnedMetadata { metadata.removeValue(forKey: key) }
        var copy = object
        copy["metadata"] = .object(metadata)
        return copy
    }

    /// The texts of `Warning: 299 - "text"` headers.
    static func warnings(_ response: HTTPResponse) -> [String] {
        response.headers.values(for: "Warning").map { value in
            guard let open = value.firstIndex(of: "\""), let close = value.lastIndex(of: "\""), open < close else { return value }
            return String(value[value.index(after: open)..<close]).replacing("\\\"", with: "\"")
        }
    }
}

extension Array where Element == UInt8 {
    var asData: Data { Data(self) }
}
