/// What a request addresses, parsed like the apiserver's RequestInfoFactory.
struct RequestInfo: Sendable {
    var isResourceRequest = false
    var verb: String
    var group = ""
    var version = ""
    var resource = ""
    var subresource = ""
    var namespace = ""
    var name = ""

    init(method: String, path: String, query: [String: [String]]) {
        verb = method.lowercased()
        var segments = path.split(separator: "/").map(String.init)
        if segments.first == "api", segments.count >= 3 {
            version = segments[1]
            segments.removeFirst(2)
        } else if segments.first == "apis", segments.count >= 4 {
            group = segments[1]
            version = segments[2]
            segments.removeFirst(3)
        } else {
            return
        }
        isResourceRequest = true
        var isWatch = query["watch"]?.first.map { $0 == "true" || $0 == "1" } ?? false
        if segments.first == "watch" {
            isWatch = true
            segments.removeFirst()
        }
        if segments.first == "namespaces" {
            if segments.count >= 3 && !(segments.count == 3 && ["status", "finalize"].contains(segments[2])) {
                namespace = segments[1]
                segments.removeFirst(2)
            }
        }
        resource = segments.first ?? ""
        if segments.count > 1 { name = segments[1] }
        if segments.count > 2 { subresource = segments[2] }
        if segments.count > 3 { subresource = segments[2...].joined(separator: "/") }
        switch method {
        case "GET", "HEAD": verb = isWatch ? "watch" : (name.isEmpty ? "list" : "get")
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = name.isEmpty ? "deletecollection" : "delete"
        default: verb = method.lowercased()
        }
    }

    /// The resource as RBAC names it (`deployments/status`).
    var authorizationResource: String { subresource.isEmpty ? resource : "\(resource)/\(subresource)" }
}
