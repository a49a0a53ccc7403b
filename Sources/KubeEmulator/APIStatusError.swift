/// A Kubernetes `Status` failure answer (`kind: Status`), thrown inside request handling and
/// rendered exactly like kube-apiserver renders it.
struct APIStatusError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue = .null
    var headers: [(String, String)] = []

    var body: JSONValue {
        var status: JSONValue = .object([
            "kind": .string("Status"),
            "apiVersion": .string("v1"),
            "metadata": .object([:]),
            "status": .string("Failure"),
            "message": .string(message),
            "reason": .string(reason),
            "code": .integer(Int64(code)),
        ])
        if !details.isNull { status["details"] = details }
        return status
    }

    /// The `kind` member of Status details: the plural resource name (as the real server reports it).
    static func details(name: String?, group: String, kind: String, causes: [JSONValue]? = nil) -> JSONValue {
        var value: JSONValue = .object([:])
        if let name, !name.isEmpty { value["name"] = .string(name) }
        if !group.isEmpty { value["group"] = .string(group) }
        if !kind.isEmpty { value["kind"] = .string(kind) }
        if let causes { value["causes"] = .array(causes) }
        return value
    }

    static func qualified(_ resource: String, _ group: String) -> String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    static func notFound(resource: String, group: String, name: String) -> APIStatusError {
        APIStatusError(code: 404, reason: "NotFound", message: "\(qualified(resource, group)) \"\(name)\" not found",
                       details: details(name: name, group: group, kind: resource))
    }

    static func alreadyExists(resource: String, group: String, name: String) -> APIStatusError {
        APIStatusError(code: 409, reason: "AlreadyExists", message: "\(qualified(resource, group)) \"\(name)\" already exists",
                       details: details(name: name, group: group, kind: resource))
    }

    static func conflict(resource: String, group: String, name: String, message: String) -> APIStatusError {
        APIStatusError(code: 409, reason: "Conflict",
                       message: "Operation cannot be fulfilled on \(qualified(resource, group)) \"\(name)\": \(message)",
                       details: details(name: name, group: group, kind: resource))
    }

    static func badRequest(_ message: String) -> APIStatusError {
        APIStatusError(code: 400, reason: "BadRequest", message: message)
    }

    static func unsupportedMediaType(_ contentType: String) -> APIStatusError {
        APIStatusError(code: 415, reason: "UnsupportedMediaType",
                       message: "the body of the request was in an unknown format - accepted media types include: application/json, application/apply-patch+yaml (JSON only in this emulator), application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json (got \(contentType))")
    }

    static func methodNotAllowed(_ method: String) -> APIStatusError {
        APIStatusError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource",
                       details: .object([:]))
    }

    static func resourceNotFound() -> APIStatusError {
        APIStatusError(code: 404, reason: "NotFound", message: "the server could not find the requested resource",
                       details: .object([:]))
    }

    static func unauthorized() -> APIStatusError {
        APIStatusError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    /// 422 Invalid with one cause per field error (`<Kind>.<group> "<name>" is invalid: <errors>`).
    static func invalid(kind: String, group: String, name: String, causes: [FieldError]) -> APIStatusError {
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        let summary: String
        if causes.count == 1 {
            summary = causes[0].summary
        } else {
            summary = "[" + causes.map(\.summary).joined(separator: ", ") + "]"
        }
        return APIStatusError(code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(summary)",
                              details: details(name: name, group: group, kind: kind, causes: causes.map(\.cause)))
    }
}

/// One field validation error, shaped like `k8s.io/apimachinery/pkg/util/validation/field.Error`.
struct FieldError: Sendable {
    enum Kind: String, Sendable {
        case invalid = "FieldValueInvalid"
        case forbidden = "FieldValueForbidden"
        case required = "FieldValueRequired"
        case notSupported = "FieldValueNotSupported"
        case duplicate = "FieldValueDuplicate"
    }

    var kind: Kind
    var field: String
    var detail: String
    /// Already rendered the way Go's field.Error renders the bad value (for `invalid`).
    var renderedValue: String?

    var bodyText: String {
        switch kind {
        case .invalid: return "Invalid value: \(renderedValue ?? "null"): \(detail)"
        case .forbidden: return "Forbidden: \(detail)"
        case .required: return "Required value: \(detail)"
        case .notSupported: return "Unsupported value: \(renderedValue ?? "null"): \(detail)"
        case .duplicate: return "Duplicate value: \(renderedValue ?? "null")"
        }
    }

    var summary: String { "\(field): \(bodyText)" }

    var cause: JSONValue {
        .object(["reason": .string(kind.rawValue), "message": .string(bodyText), "field": .string(field)])
    }

    static func invalid(_ field: String, _ renderedValue: String, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: field, detail: detail, renderedValue: renderedValue)
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(kind: .forbidden, field: field, detail: detail)
    }

    static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(kind: .required, field: field, detail: detail)
    }
}
