#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP

extension ServiceExchange {
    /// POSTs a JSON body with an OAuth bearer token from `token`, as Cloud KMS and Key Vault are
    /// called. A cached token the service rejects with HTTP 401 is dropped and fetched once more.
    func postWithBearerToken<Result>(
        url: URL, body: Data, tokens: ExpiringCache<AccessToken>,
        token: () async throws(KMSError) -> (AccessToken, cacheKey: String?),
        interpret: (HTTPResponse, AccessToken) throws(KMSError) -> Result
    ) async throws(KMSError) -> Result {
        for attempt in 1...2 {
            let (accessToken, cacheKey) = try await token()
            do {
                return try await perform { () throws(KMSError) -> HTTPRequest in
                    var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
                    headers.setBearerToken(accessToken.value)
                    return HTTPRequest(method: .post, url: url, headers: headers, body: body)
                } interpret: { (response) throws(KMSError) -> Result in
                    try interpret(response, accessToken)
                }
            } catch {
                guard error.code == .accessDenied, error.message.contains("HTTP 401"), attempt == 1, let cacheKey else { throw error }
                await tokens.remove(cacheKey)
            }
        }
        throw KMSError(.accessDenied, provider: provider, key: key, "\(operation) rejected a freshly issued token")
    }
}
