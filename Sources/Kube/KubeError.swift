/// A failed Kubernetes operation: a kubeconfig or credential problem, a transport failure, or an
/// API error answered with a `Status` body (whose message and causes are kept).
///
/// Messages name the kubeconfig file and field, or the object as `Kind/namespace/name`; they never
/// contain tokens, passwords or key material.
public struct KubeError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; stable enough to branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case kubeconfig, credentials, invalidObject, notFound, alreadyExists, conflict, forbidden, invalid,
                unauthorized, badRequest, tooManyRequests, serverError, timeout, transport, noKindMatch, cancelled,
                other
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The kubeconfig could not be found, parsed or used (the message names the file and field).
        public static let kubeconfig = Code(.kubeconfig)
        /// A credential source failed: an exec plugin, a token file.
        public static let credentials = Code(.credentials)
        /// The object given to the client lacks `apiVersion`, `kind` or `metadata.name`.
        public static let invalidObject = Code(.invalidObject)
        /// HTTP 404: the object (or its namespace) does not exist.
        public static let notFound = Code(.notFound)
        /// HTTP 409 with reason `AlreadyExists` (a create of an existing name).
        public static let alreadyExists = Code(.alreadyExists)
        /// HTTP 409: a field-manager conflict (see `causes`) or a failed precondition.
        public static let conflict = Code(.conflict)
        /// HTTP 403: RBAC (or admission) denied the request; the StageSet reason is `RBACDenied`.
        public static let forbidden = Code(.forbidden)
        /// HTTP 422: the object failed validation (see `causes`, `isImmutableFieldError`).
        public static let invalid = Code(.invalid)
        /// HTTP 401: the credentials were rejected (after one credential refresh where possible).
        public static let unauthorized = Code(.unauthorized)
        /// HTTP 400 (for example a strict field validation error).
        public static let badRequest = Code(.badRequest)
        /// HTTP 429, still answered after the retry budget.
        public static let tooManyRequests = Code(.tooManyRequests)
        /// HTTP 5xx, still answered after the retry budget.
        public static let serverError = Code(.serverError)
        /// The request or the server timed out.
        public static let timeout = Code(.timeout)
        /// DNS, connect, TLS or proxy failure, or a connection dropped without an answer.
        public static let transport = Code(.transport)
        /// Discovery has no resource for the apiVersion and kind (CRD missing or not established);
        /// the StageSet controller reports this like a permission failure (`RBACDenied`).
        public static let noKindMatch = Code(.noKindMatch)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// Any other failure (unexpected status or response).
        public static let other = Code(.other)

        public var description: String {
            switch base {
            case .kubeconfig: "kubeconfig"
            case .credentials: "credentials"
            case .invalidObject: "invalidObject"
            case .notFound: "notFound"
            case .alreadyExists: "alreadyExists"
            case .conflict: "conflict"
            case .forbidden: "forbidden"
            case .invalid: "invalid"
            case .unauthorized: "unauthorized"
            case .badRequest: "badRequest"
            case .tooManyRequests: "tooManyRequests"
            case .serverError: "serverError"
            case .timeout: "timeout"
            case .transport: "transport"
            case .noKindMatch: "noKindMatch"
            case .cancelled: "cancelled"
            case .other: "other"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// An operator-facing explanation (includes the API server's Status message when there is one).
    public var message: String
    /// The object the request was about, when known.
    public var object: ObjectReference?
    /// The HTTP status of an API error.
    public var statusCode: Int?
    /// The `reason` of the API's Status (`Conflict`, `Invalid`, `Forbidden`, …).
    public var reason: String?
    /// The API server's Status message alone.
    public var serverMessage: String?
    /// `details.causes` of the Status: conflicting fields and managers, invalid fields.
    public var causes: [StatusCause]
    /// The wait the server asked for (`Retry-After`), if any.
    public var retryAfter: Duration?

    public init(
        _ code: Code, _ message: String, object: ObjectReference? = nil, statusCode: Int? = nil, reason: String? = nil,
        serverMessage: String? = nil, causes: [StatusCause] = [], retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.object = object
        self.statusCode = statusCode
        self.reason = reason
        self.serverMessage = serverMessage
        self.causes = causes
        self.retryAfter = retryAfter
    }

    public var description: String { "KubeError.\(code): \(message)" }

    /// True for failures the StageSet controller reports as `RBACDenied`: 403 Forbidden and a kind
    /// that discovery cannot map.
    public var isRBACDeniedClass: Bool { code == .forbidden || code == .noKindMatch }

    /// True for a 422 that rejects a change to an immutable field (a Deployment selector, a Job
    /// template, a Service clusterIP, a StatefulSet spec field, a RoleBinding roleRef, …), which only
    /// a delete and re-create can apply.
    public var isImmutableFieldError: Bool {
        guard code == .invalid else { return false }
        let texts = [serverMessage ?? message] + causes.map(\.message)
        return texts.contains { text in
            let lowered = text.lowercased()
            return Self.immutableMarkers.contains { lowered.contains($0) }
        }
    }

    private static let immutableMarkers = [
        "field is immutable", "is immutable after creation", "may not change once set", "cannot change roleref",
        "updates to statefulset spec for fields other than", "updates to parameters are forbidden",
    ]

    /// Field managers named by a server-side apply conflict.
    public var conflictingManagers: [String] {
        var seen: [String] = []
        for manager in causes.compactMap(\.manager) where !seen.contains(manager) { seen.append(manager) }
        return seen
    }
}

/// One entry of a Status's `details.causes`.
public struct StatusCause: Sendable, Hashable, CustomStringConvertible {
    /// `FieldManagerConflict`, `FieldValueInvalid`, `FieldValueForbidden`, …
    public var reason: String?
    /// The field path, for example `.spec.replicas` or `spec.selector`.
    public var field: String?
    public var message: String

    public init(reason: String?, field: String?, message: String) {
        self.reason = reason
        self.field = field
        self.message = message
    }

    /// For a field-manager conflict (`conflict with "kubectl" using apps/v1`), the other manager.
    public var manager: String? {
        guard let start = message.firstRange(of: "conflict with \"") else { return nil }
        let rest = message[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    public var description: String {
        [reason, field, message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
    }
}
