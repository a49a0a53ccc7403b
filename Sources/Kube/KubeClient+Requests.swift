#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON

/// One API request as the client's retry loop sees it.
struct APIRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var query: [(String, String)] = []
    var body: Data?
    var contentType: String?
    var accept = "application/json"
    /// A short verb phrase for messages ("apply", "get").
    var operation: String
    var object: ObjectReference?
    /// Names the target in messages when there is no single object ("deployments.apps in demo").
    var resourceLabel: String?
    /// False for requests that must not be repeated blindly (a create with generateName).
    var retryable = true
}

extension KubeClient {
    /// Performs a request with credentials, the concurrency limit and the retry policy; returns
    /// the 2xx response or throws the mapped error.
    func perform(_ request: APIRequest) async throws(KubeError) -> HTTPResponse {
        let policy = configuration.retry
        let started = ContinuousClock.now
        var attempt = 0
        var refreshedCredentials = false
        while true {
            if Task.isCancelled { throw KubeError(.cancelled, "\(request.operation): cancelled", object: request.object) }
            attempt += 1
            let credential = try await credentials.current()
            let outcome = await limiter.withPermit { await self.send(request, credential: credential) }
            let failure: KubeError
            switch outcome {
            case .success(let response):
                if response.status == 401, credential.isRefreshable, !refreshedCredentials {
                    refreshedCredentials = true
                    await credentials.invalidate(credential)
                    attempt -= 1
                    continue
                }
                if response.isSuccess { return response }
                failure = APIErrorMapping.error(for: response, operation: request.operation, object: request.object, resourceLabel: request.resourceLabel)
            case .failure(let error):
                failure = error
            }
            guard failure.code != .cancelled else { throw failure }
            guard request.retryable || failure.code == .tooManyRequests, RetryPolicy.isRetryable(failure),
                  attempt < policy.maximumAttempts
            else {
                throw attempt > 1 ? Self.annotated(failure, attempts: attempt) : failure
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            if let deadline = policy.deadline, ContinuousClock.now - started + delay > deadline {
                throw Self.annotated(failure, attempts: attempt)
            }
            do {
                try await policy.sleep(delay)
            } catch {
                throw KubeError(.cancelled, "\(request.operation): cancelled while waiting to retry", object: request.object)
            }
        }
    }

    private static func annotated(_ error: KubeError, attempts: Int) -> KubeError {
        var copy = error
        copy.message += attempts == 1 ? " (not retried: the retry budget would be exceeded)" : " (gave up after \(attempts) attempts)"
        return copy
    }

    private func send(_ request: APIRequest, credential: RequestCredential) async -> Result<HTTPResponse, KubeError> {
        let client: HTTPClient
        do {
            client = try transport.client(for: credential.clientIdentity)
        } catch {
            return .failure(error)
        }
        var text = connection.server + request.path
        if !request.query.isEmpty { text += "?" + PathEncoding.query(request.query) }
        guard let url = URL(string: text) else {
            return .failure(KubeError(.other, "\(request.operation): cannot build a URL for \(request.path)", object: request.object))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: request.accept)
        if let contentType = request.contentType { headers.add(name: "Content-Type", value: contentType) }
        if let authorization = credential.authorization { headers.add(name: "Authorization", value: authorization.value) }
        if let impersonation = connection.impersonation {
            headers.add(name: "Impersonate-User", value: impersonation.user)
            for group in impersonation.groups { headers.add(name: "Impersonate-Group", value: group) }
            if let uid = impersonation.uid { headers.add(name: "Impersonate-Uid", value: uid) }
            for key in impersonation.extra.keys.sorted() {
                for value in impersonation.extra[key] ?? [] {
                    headers.add(name: "Impersonate-Extra-" + PathEncoding.segment(key), value: value)
                }
            }
        }
        let httpRequest = HTTPRequest(method: request.method, url: url, headers: headers, body: request.body)
        do {
            return .success(try await client.execute(httpRequest))
        } catch {
            return .failure(APIErrorMapping.error(for: error, operation: request.operation, object: request.object, resourceLabel: request.resourceLabel))
        }
    }

    /// Parses a response body as a JSON object.
    func decodeObject(_ response: HTTPResponse, operation: String, object: ObjectReference?) throws(KubeError) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(response.body, options: .init(duplicateKeys: .keepLast))
        } catch {
            throw KubeError(.other, "\(operation)\(object.map { " \($0)" } ?? ""): the API server's answer is not JSON: \(error)")
        }
        guard let parsed = value.objectValue else {
            throw KubeError(.other, "\(operation)\(object.map { " \($0)" } ?? ""): the API server answered a JSON \(value.typeName), not an object")
        }
        return parsed
    }
}
