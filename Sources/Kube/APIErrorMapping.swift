#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON

/// Turns non-2xx answers (with their `Status` bodies) and transport failures into `KubeError`s.
enum APIErrorMapping {
    /// `operation` is a short verb phrase ("apply", "get", "list") used in the message.
    static func error(for response: HTTPResponse, operation: String, object: ObjectReference?, resourceLabel: String? = nil) -> KubeError {
        let status = response.status
        var serverMessage: String?
        var reason: String?
        var causes: [StatusCause] = []
        var retryAfter = response.retryAfter()
        if let parsed = try? JSONParser.parse(response.body, options: .init(duplicateKeys: .keepLast)), let body = parsed.objectValue,
           body["kind"]?.stringValue == "Status"
        {
            serverMessage = body["message"]?.stringValue
            reason = body["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            let details = body["details"]?.objectValue
            for cause in details?["causes"]?.arrayValue ?? [] {
                guard let cause = cause.objectValue else { continue }
                causes.append(StatusCause(
                    // `reason` on the wire (Go's StatusCause.Type); `type` accepted as well.
                    reason: (cause["reason"] ?? cause["type"])?.stringValue, field: cause["field"]?.stringValue, message: cause["message"]?.stringValue ?? ""))
            }
            if retryAfter == nil, let seconds = details?["retryAfterSeconds"]?.numberValue?.int64Value, seconds > 0 {
                retryAfter = .seconds(seconds)
            }
        } else if !response.body.isEmpty {
            let excerpt = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingWhitespace()
            if !excerpt.isEmpty { serverMessage = String(excerpt) }
        }

        let code: KubeError.Code
        switch status {
        case 400: code = .badRequest
        case 401: code = .unauthorized
        case 403: code = .forbidden
        case 404: code = .notFound
        case 409: code = reason == "AlreadyExists" ? .alreadyExists : .conflict
        case 422: code = .invalid
        case 429: code = .tooManyRequests
        case 504: code = .timeout
        case 500..<600: code = (reason == "Timeout" || reason == "ServerTimeout") ? .timeout : .serverError
        default: code = .other
        }

        let subject = object.map { " \($0)" } ?? resourceLabel.map { " \($0)" } ?? ""
        var message = "\(operation)\(subject): "
        message += serverMessage.flatMap { $0.isEmpty ? nil : $0 } ?? "the API server answered HTTP \(status)"
        message += " (HTTP \(status)\(reason.map { " \($0)" } ?? ""))"
        if code == .conflict, !causes.isEmpty, !(serverMessage ?? "").contains("conflict") {
            message += "; " + causes.map(\.description).joined(separator: "; ")
        }
        if code == .unauthorized {
            message += "; the credentials of the kubeconfig user were rejected"
        }
        return KubeError(code, message, object: object, statusCode: status, reason: reason, serverMessage: serverMessage,
                         causes: causes, retryAfter: retryAfter)
    }

    static func error(for failure: HTTPError, operation: String, object: ObjectReference?, resourceLabel: String? = nil) -> KubeError {
        let code: KubeError.Code
        switch failure.code {
        case .timeout: code = .timeout
        case .cancelled: code = .cancelled
        case .dns, .connect, .tls, .proxy, .other: code = .transport
        default: code = .other
        }
        let subject = object.map { " \($0)" } ?? resourceLabel.map { " \($0)" } ?? ""
        return KubeError(code, "\(operation)\(subject): \(failure.message)", object: object)
    }
}
