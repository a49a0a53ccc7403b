#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON

/// One call to a service (KMS API, token endpoint, metadata service) with retries: transport
/// failures and responses the interpreter reports as throttled or unavailable are retried per the
/// session's `RetryPolicy`; the final transient failure says so.
struct ServiceExchange {
    let client: HTTPClient
    let retry: RetryPolicy
    let provider: KMSError.Provider
    let key: String
    /// What is being called, for messages (`KMS Decrypt`, `STS AssumeRole`, `the EC2 instance metadata service`).
    let operation: String
    /// Whether connection failures are retried (not for metadata probes, where they mean "not here").
    var retriesConnectionFailures = true

    /// Sends the request built by `makeRequest` (rebuilt per attempt, so signatures stay fresh) and
    /// hands each response to `interpret`, which returns the result or throws; a thrown `.throttled`
    /// or `.unavailable` error is retried.
    func perform<Result>(
        _ makeRequest: () throws(KMSError) -> HTTPRequest,
        interpret: (HTTPResponse) throws(KMSError) -> Result
    ) async throws(KMSError) -> Result {
        var attempt = 0
        while true {
            attempt += 1
            let request = try makeRequest()
            var retryAfter: Duration?
            let failure: KMSError
            let retryable: Bool
            do {
                let response = try await client.execute(request)
                retryAfter = response.retryAfter()
                do throws(KMSError) {
                    return try interpret(response)
                } catch {
                    failure = error
                    retryable = error.code == .throttled || error.code == .unavailable
                }
            } catch {
                (failure, retryable) = transportFailure(error)
            }
            guard retryable else { throw failure }
            if attempt >= retry.maximumAttempts || Task.isCancelled {
                var final = failure
                final.isTransient = true
                final.attempts = attempt
                throw final
            }
            try? await Task.sleep(for: retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
        }
    }

    private func transportFailure(_ error: HTTPError) -> (KMSError, retryable: Bool) {
        let message = "\(operation) failed: \(error.message)"
        switch error.code {
        case .connect, .timeout, .dns:
            return (KMSError(.unavailable, provider: provider, key: key, message), retriesConnectionFailures)
        case .other:
            return (KMSError(.unavailable, provider: provider, key: key, message), true)
        case .cancelled:
            return (KMSError(.unavailable, provider: provider, key: key, "\(operation) was cancelled"), false)
        case .tls:
            return (KMSError(.unavailable, provider: provider, key: key, message), false)
        default:
            return (KMSError(.invalidKeyReference, provider: provider, key: key, message), false)
        }
    }
}

extension HTTPResponse {
    /// The body parsed as JSON, or `nil`.
    var json: JSONValue? {
        guard !body.isEmpty else { return nil }
        return try? JSONParser.parse(Array(body))
    }

    /// The body as text, for server messages.
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}
