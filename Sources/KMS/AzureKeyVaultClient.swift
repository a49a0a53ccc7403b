#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import JSON

/// Key Vault's key `decrypt` operation with RSA-OAEP-256 (what sops uses for `azure_kv` keys):
/// `POST {vault}/keys/{name}/{version}/decrypt?api-version=7.4`. Like the Azure SDK, the first
/// request carries no token: the vault's `401` challenge names the token resource, which must be a
/// parent domain of the vault host before any token is sent (a file naming a foreign "vault" never
/// receives a token); the scope is remembered per vault host.
public struct AzureKeyVaultClient: Sendable {
    public let session: KMSSession
    /// Credentials that replace the chain (Flux's `sops.azure-kv` entry); `nil` uses the chain.
    public let credentials: AzureCredentials?

    public static let apiVersion = "7.4"

    public init(session: KMSSession, credentials: AzureCredentials? = nil) {
        self.session = session
        self.credentials = credentials
    }

    /// Unwraps `ciphertext` (the RSA-OAEP-256 ciphertext, decoded from the file's base64url `enc`)
    /// with key `keyName` version `keyVersion` of the vault at `vaultURL` (`https://NAME.vault.azure.net`).
    public func decrypt(ciphertext: [UInt8], vaultURL: String, keyName: String, keyVersion: String) async throws(KMSError) -> SecureBytes {
        var base = vaultURL
        while base.hasSuffix("/") { base.removeLast() }
        let keyDescription = "\(base)/keys/\(keyName)/\(keyVersion)"
        guard let vault = URL(string: base), vault.scheme?.lowercased() == "https", let host = vault.host(percentEncoded: false)?.lowercased(),
            !host.isEmpty, vault.path(percentEncoded: true).isEmpty, vault.query() == nil
        else {
            throw KMSError(.invalidKeyReference, provider: .azureKeyVault, key: keyDescription,
                "vault_url must be an https URL without a path (https://NAME.vault.azure.net)")
        }
        guard !keyName.isEmpty else {
            throw KMSError(.invalidKeyReference, provider: .azureKeyVault, key: keyDescription, "the key name is empty")
        }
        let path = "/keys/\(PercentEncoding.encode(keyName))/\(PercentEncoding.encode(keyVersion))/decrypt?api-version=\(Self.apiVersion)"
        guard let url = URL(string: base + path) else {
            throw KMSError(.invalidKeyReference, provider: .azureKeyVault, key: keyDescription, "cannot build the decrypt URL")
        }
        let client = try session.apiClient(.azureKeyVault, key: keyDescription)
        let scope = try await challengeScope(url: url, host: host, client: client, key: keyDescription)

        var body = JSONObject()
        body["alg"] = "RSA-OAEP-256"
        body["value"] = .string(Base64Coding.encodeURL(ciphertext))
        let bodyData = Data(JSONSerializer().serialize(.object(body)))
        let provider = AzureAccessTokenProvider(session: session, explicit: credentials, key: keyDescription)
        let exchange = ServiceExchange(
            client: client, retry: session.options.retry, provider: .azureKeyVault, key: keyDescription, operation: "Key Vault decrypt")
        return try await exchange.postWithBearerToken(url: url, body: bodyData, tokens: session.accessTokens) { () async throws(KMSError) in
            let (token, cacheKey) = try await provider.token(scope: scope)
            return (token, cacheKey)
        } interpret: { (response, token) throws(KMSError) -> SecureBytes in
            guard response.isSuccess else { throw Self.failure(response, key: keyDescription, token: token) }
            guard let encoded = response.json?["value"]?.stringValue, var plaintext = Base64Coding.decodeLenient(encoded) else {
                throw KMSError(.invalidResponse, provider: .azureKeyVault, key: keyDescription, "Key Vault answered without a base64url value")
            }
            return SecureBytes(wiping: &plaintext)
        }
    }

    /// The token scope for the vault: remembered, or learned from an unauthenticated request's challenge.
    private func challengeScope(url: URL, host: String, client: HTTPClient, key: String) async throws(KMSError) -> String {
        if let known = session.keyVaultScopes.withLock({ $0[host] }) { return known }
        let exchange = ServiceExchange(
            client: client, retry: session.options.retry, provider: .azureKeyVault, key: key, operation: "Key Vault authentication challenge")
        let scope = try await exchange.perform { () throws(KMSError) -> HTTPRequest in
            HTTPRequest(method: .post, url: url, headers: ["Accept": "application/json"])
        } interpret: { (response) throws(KMSError) -> String in
            guard response.status == 401 else {
                if response.isSuccess {
                    throw KMSError(.invalidResponse, provider: .azureKeyVault, key: key, "the vault answered an unauthenticated request with success")
                }
                throw Self.failure(response, key: key, token: nil)
            }
            let parameters = Self.challengeParameters(response.headers.values(for: "WWW-Authenticate"))
            let scope: String
            if let given = parameters["scope"], !given.isEmpty {
                scope = given
            } else if let resource = parameters["resource"], !resource.isEmpty {
                scope = (resource.hasSuffix("/") ? String(resource.dropLast()) : resource) + "/.default"
            } else {
                throw KMSError(.accessDenied, provider: .azureKeyVault, key: key,
                    "the vault answered HTTP 401 without a Bearer challenge naming a resource or scope")
            }
            guard let resourceHost = URL(string: scope)?.host(percentEncoded: false)?.lowercased(), !resourceHost.isEmpty,
                host.hasSuffix("." + resourceHost)
            else {
                throw KMSError(.accessDenied, provider: .azureKeyVault, key: key,
                    "the vault's challenge asks for a token for \(ServiceText.excerpt(scope)), which is not a parent domain of \(host); no token was sent")
            }
            return scope
        }
        session.keyVaultScopes.withLock { $0[host] = scope }
        return scope
    }

    /// `key="value"` pairs of Bearer challenges.
    static func challengeParameters(_ headers: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for header in headers {
            guard header.lowercased().hasPrefix("bearer") else { continue }
            var rest = Substring(header.dropFirst(6))
            while !rest.isEmpty {
                rest = rest.drop { $0 == " " || $0 == "," }
                guard let equals = rest.firstIndex(of: "=") else { break }
                let name = rest[..<equals].trimmingWhitespace().lowercased()
                rest = rest[rest.index(after: equals)...]
                var value: Substring
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    let close = rest.firstIndex(of: "\"") ?? rest.endIndex
                    value = rest[..<close]
                    rest = close < rest.endIndex ? rest[rest.index(after: close)...] : rest[close...]
                } else {
                    let end = rest.firstIndex(of: ",") ?? rest.endIndex
                    value = rest[..<end]
                    rest = rest[end...]
                }
                value = Substring(value.trimmingWhitespace())
                result[name] = String(value)
            }
        }
        return result
    }

    /// Maps a Key Vault error answer (`{"error": {"code", "message", "innererror"}}`).
    static func failure(_ response: HTTPResponse, key: String, token: AccessToken?) -> KMSError {
        let error = response.json?["error"]
        let code = error?["code"]?.stringValue ?? ""
        let inner = error?["innererror"]?["code"]?.stringValue ?? ""
        let serverMessage = error?["message"]?.stringValue ?? ""
        let detail = ServiceText.excerpt([code, inner, serverMessage].filter { !$0.isEmpty }.joined(separator: ": "),
            redacting: token.map { [$0.value] } ?? [])
        let credentials = token.map { "; credentials: \($0.principal)" } ?? ""
        let suffix = " (HTTP \(response.status)\(detail.isEmpty ? "" : ", " + detail)\(credentials))"
        switch response.status {
        case 401, 403:
            if code == "KeyDisabled" || inner == "KeyDisabled" || serverMessage.contains("is disabled") {
                return KMSError(.keyUnusable, provider: .azureKeyVault, key: key, "the key is disabled" + suffix)
            }
            return KMSError(.accessDenied, provider: .azureKeyVault, key: key, "access denied" + suffix)
        case 404:
            return KMSError(.keyNotFound, provider: .azureKeyVault, key: key, "the key or version does not exist" + suffix)
        case 400:
            return KMSError(.invalidCiphertext, provider: .azureKeyVault, key: key,
                "the ciphertext does not decrypt with this key (another key or version, or a damaged enc)" + suffix)
        case 409:
            return KMSError(.keyUnusable, provider: .azureKeyVault, key: key, "the key cannot be used now" + suffix)
        case 429:
            return KMSError(.throttled, provider: .azureKeyVault, key: key, "throttled" + suffix)
        case 500...:
            return KMSError(.unavailable, provider: .azureKeyVault, key: key, "the service failed" + suffix)
        default:
            return KMSError(.invalidResponse, provider: .azureKeyVault, key: key, "Key Vault decrypt failed" + suffix)
        }
    }
}
