import HTTP
import JSON

/// Maps a JaaS renderer's non-2xx answer (an RFC 9457 `application/problem+json` body
/// `{type, title, status, detail, code, snippet}`) and transport failures to `SourceError` codes:
/// `snippet_not_found` → `notFound`; `evaluation_failed` → `renderFailed` (a content error, not
/// retried until the source changes); `evaluation_unavailable` / `evaluation_timeout` and gateway
/// errors → `transient`; connection, DNS, TLS and timeouts → `unreachable`.
enum JaaSResponseClassifier {
    /// The members of a problem document the agent reads.
    struct Problem {
        var code: String?
        var title: String?
        var detail: String?

        /// Parses a problem body; `nil` when the body is not a JSON object.
        init?(_ body: [UInt8]) {
            guard body.count <= 64 << 10, case .object(let object)? = try? JSONParser.parse(body) else { return nil }
            code = object["code"]?.stringValue
            title = object["title"]?.stringValue
            detail = object["detail"]?.stringValue
        }
    }

    static func classify(status: Int, body: [UInt8], snippet: String, location: String, source: String, scrubber: SecretScrubber)
        -> SourceError
    {
        let problem = Problem(body)
        let code = problem?.code
        var explanation = "HTTP \(status)"
        if let code { explanation = "\(code), " + explanation }
        if let problem, let text = problem.detail ?? problem.title, !text.isEmpty {
            explanation = Self.shortened(scrubber.scrub(text)) + " (" + explanation + ")"
        } else if problem == nil && !body.isEmpty {
            explanation += ", not a JaaS problem response"
        }
        func error(_ errorCode: SourceError.Code, _ message: String) -> SourceError {
            SourceError(code: errorCode, source: source, message: message)
        }
        switch code {
        case "snippet_not_found":
            return error(.notFound, "the renderer at \(location) has no snippet \"\(snippet)\": \(explanation)")
        case "evaluation_failed":
            return error(.renderFailed,
                "the renderer failed to evaluate snippet \"\(snippet)\": \(explanation); the Jsonnet diagnostic is in the renderer's log")
        case "evaluation_unavailable":
            return error(.transient, "the renderer is at its evaluation limit: \(explanation); retrying later")
        case "evaluation_timeout":
            return error(.transient, "the renderer timed out evaluating snippet \"\(snippet)\": \(explanation); retrying later")
        case "method_not_allowed":
            return error(.other, "the renderer refused the GET request: \(explanation); check spec.renderer.url")
        default:
            break
        }
        switch status {
        case 404:
            return error(.notFound, "\(location) not found: \(explanation); check spec.renderer.url and the snippet name")
        case 400:
            return error(.renderFailed, "the renderer rejected snippet \"\(snippet)\": \(explanation)")
        case 401, 403:
            return error(.authenticationFailed,
                "the renderer refused the credentials: \(explanation); check the bearerToken entry of spec.renderer.secretRef")
        case 408, 429, 500, 502, 503, 504:
            return error(.transient, "the renderer answered \(explanation); retrying later")
        default:
            return error(.other, "unexpected answer from the renderer at \(location): \(explanation)")
        }
    }

    static func classify(_ failure: HTTPError, location: String, source: String, scrubber: SecretScrubber, bodyLimit: Int) -> SourceError {
        let message = scrubber.scrub(failure.message)
        switch failure.code {
        case .bodyTooLarge:
            return SourceError(code: .tooLarge, source: source, message: "the rendered output of \(location) exceeds the \(bodyLimit)-byte limit")
        case .dns, .connect, .tls, .timeout, .proxy, .other:
            return SourceError(code: .unreachable, source: source, message: "cannot reach the renderer: \(message)")
        case .cancelled:
            return SourceError(code: .other, source: source, message: "request to the renderer cancelled")
        default:
            return SourceError(code: .other, source: source, message: message)
        }
    }

    private static func shortened(_ text: String) -> String {
        let single = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return single.count > 300 ? String(single.prefix(300)) + "…" : single
    }
}
