#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON
import Timestamps

/// OAuth 2.0 token endpoint answers as Google, Microsoft Entra ID and the managed-identity
/// endpoints send them: `access_token` with `expires_in` (seconds) or `expires_on` (Unix time),
/// errors as `error` / `error_description`.
enum OAuthTokenResponse {
    /// The token and its expiry from a successful answer; throws the mapped failure otherwise.
    static func parse(
        _ response: HTTPResponse, provider: KMSError.Provider, key: String, endpoint: String, principal: String, redacting secrets: [String]
    ) throws(KMSError) -> (AccessToken, Date?) {
        let json = response.json
        guard response.isSuccess else {
            throw failure(response, json: json, provider: provider, key: key, endpoint: endpoint, redacting: secrets)
        }
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty, !token.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw KMSError(.invalidResponse, provider: provider, key: key, "\(endpoint) answered without an access_token")
        }
        var expiry: Date?
        if let expiresOn = number(json?["expires_on"]), expiresOn > 1_000_000_000 {
            expiry = Date(timeIntervalSince1970: expiresOn)
        } else if let text = json?["expires_on"]?.stringValue, let date = RFC3339.parse(text.trimmingWhitespace()) {
            expiry = date
        } else if let expiresIn = number(json?["expires_in"]) {
            expiry = Date().addingTimeInterval(expiresIn)
        }
        return (AccessToken(value: token, principal: principal), expiry)
    }

    private static func number(_ value: JSONValue?) -> Double? {
        if let number = value?.numberValue?.doubleValue { return number }
        if let text = value?.stringValue { return Double(text.trimmingWhitespace()) }
        return nil
    }

    static func failure(
        _ response: HTTPResponse, json: JSONValue?, provider: KMSError.Provider, key: String, endpoint: String, redacting secrets: [String]
    ) -> KMSError {
        let code = json?["error"]?.stringValue ?? json?["error"]?["code"]?.stringValue ?? ""
        let description = json?["error_description"]?.stringValue ?? json?["error"]?["message"]?.stringValue ?? json?["message"]?.stringValue ?? ""
        let detail = ServiceText.excerpt([code, description].filter { !$0.isEmpty }.joined(separator: ": "), redacting: secrets)
        let message = "\(endpoint) answered HTTP \(response.status)\(detail.isEmpty ? "" : ": " + detail)"
        if response.status == 429 || code == "slow_down" || code == "temporarily_unavailable" && response.status < 500 {
            return KMSError(.throttled, provider: provider, key: key, message)
        }
        if response.status >= 500 { return KMSError(.unavailable, provider: provider, key: key, message) }
        return KMSError(.accessDenied, provider: provider, key: key, message)
    }
}
