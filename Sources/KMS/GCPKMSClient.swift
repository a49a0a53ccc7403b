#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import JSON

/// Cloud KMS `decrypt` over REST (`POST /v1/{resource_id}:decrypt`), with an OAuth 2.0 token from
/// explicit credentials or the chain described at `GCPAccessTokenProvider`. The endpoint is
/// `https://cloudkms.googleapis.com`, or `SOPS_GCP_KMS_ENDPOINT` (a URL, or `host[:port]` for https),
/// or `https://cloudkms.<SOPS_GCP_KMS_UNIVERSE_DOMAIN>` — the variables sops reads.
public struct GCPKMSClient: Sendable {
    public let session: KMSSession
    /// Credentials that replace the chain (Flux's `sops.gcp-kms` entry); `nil` uses the chain.
    public let credentials: GCPCredentials?

    public init(session: KMSSession, credentials: GCPCredentials? = nil) {
        self.session = session
        self.credentials = credentials
    }

    /// Unwraps `ciphertext` with the key `resourceID` (`projects/P/locations/L/keyRings/R/cryptoKeys/K`).
    public func decrypt(ciphertext: [UInt8], resourceID: String) async throws(KMSError) -> SecureBytes {
        let segments = resourceID.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 8, segments[0] == "projects", segments[2] == "locations", segments[4] == "keyRings",
            segments[6] == "cryptoKeys", segments.allSatisfy({ !$0.isEmpty })
        else {
            throw KMSError(.invalidKeyReference, provider: .gcpKMS, key: resourceID,
                "not a Cloud KMS key resource id (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)")
        }
        let path = segments.map { PercentEncoding.encode(String($0)) }.joined(separator: "/")
        guard let url = URL(string: try endpoint(resourceID) + "/v1/" + path + ":decrypt") else {
            throw KMSError(.invalidKeyReference, provider: .gcpKMS, key: resourceID, "cannot build the decrypt URL")
        }
        var body = JSONObject()
        body["ciphertext"] = .string(Base64Coding.encode(ciphertext))
        let bodyData = Data(JSONSerializer().serialize(.object(body)))
        let provider = GCPAccessTokenProvider(session: session, explicit: credentials, key: resourceID)
        let exchange = ServiceExchange(
            client: try session.apiClient(.gcpKMS, key: resourceID), retry: session.options.retry, provider: .gcpKMS, key: resourceID,
            operation: "Cloud KMS decrypt")
        return try await exchange.postWithBearerToken(url: url, body: bodyData, tokens: session.accessTokens) { () async throws(KMSError) in
            try await provider.token()
        } interpret: { (response, token) throws(KMSError) -> SecureBytes in
            guard response.isSuccess else { throw Self.failure(response, key: resourceID, token: token) }
            guard let encoded = response.json?["plaintext"]?.stringValue, var plaintext = Base64Coding.decode(encoded) else {
                throw KMSError(.invalidResponse, provider: .gcpKMS, key: resourceID, "Cloud KMS answered without a base64 plaintext")
            }
            return SecureBytes(wiping: &plaintext)
        }
    }

    private func endpoint(_ key: String) throws(KMSError) -> String {
        let environment = session.environment
        var base: String
        if let configured = environment["SOPS_GCP_KMS_ENDPOINT"] {
            base = configured.contains("://") ? configured : "https://" + configured
        } else if let domain = environment["SOPS_GCP_KMS_UNIVERSE_DOMAIN"] {
            base = "https://cloudkms." + domain
        } else {
            base = "https://cloudkms.googleapis.com"
        }
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host() != nil else {
            throw KMSError(.invalidKeyReference, provider: .gcpKMS, key: key, "SOPS_GCP_KMS_ENDPOINT is not an http(s) URL or host[:port]")
        }
        return base
    }

    /// Maps a Google API error (`{"error": {"code", "message", "status"}}`).
    static func failure(_ response: HTTPResponse, key: String, token: AccessToken) -> KMSError {
        let error = response.json?["error"]
        let status = error?["status"]?.stringValue ?? ""
        let serverMessage = error?["message"]?.stringValue ?? ""
        let detail = ServiceText.excerpt([status, serverMessage].filter { !$0.isEmpty }.joined(separator: ": "), redacting: [token.value])
        let suffix = " (HTTP \(response.status)\(detail.isEmpty ? "" : ", " + detail); credentials: \(token.principal))"
        switch status {
        case "PERMISSION_DENIED", "UNAUTHENTICATED":
            return KMSError(.accessDenied, provider: .gcpKMS, key: key, "access denied" + suffix)
        case "NOT_FOUND":
            return KMSError(.keyNotFound, provider: .gcpKMS, key: key, "the key does not exist" + suffix)
        case "FAILED_PRECONDITION":
            return KMSError(.keyUnusable, provider: .gcpKMS, key: key, "the key cannot be used now (disabled or destroyed version)" + suffix)
        case "INVALID_ARGUMENT":
            return KMSError(.invalidCiphertext, provider: .gcpKMS, key: key,
                "the ciphertext does not decrypt with this key (another key, or a damaged enc)" + suffix)
        case "RESOURCE_EXHAUSTED":
            return KMSError(.throttled, provider: .gcpKMS, key: key, "throttled" + suffix)
        case "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "UNKNOWN":
            return KMSError(.unavailable, provider: .gcpKMS, key: key, "the service failed" + suffix)
        default:
            switch response.status {
            case 401, 403: return KMSError(.accessDenied, provider: .gcpKMS, key: key, "access denied" + suffix)
            case 404: return KMSError(.keyNotFound, provider: .gcpKMS, key: key, "the key does not exist" + suffix)
            case 400: return KMSError(.invalidCiphertext, provider: .gcpKMS, key: key, "the ciphertext was rejected" + suffix)
            case 429: return KMSError(.throttled, provider: .gcpKMS, key: key, "throttled" + suffix)
            case 500...: return KMSError(.unavailable, provider: .gcpKMS, key: key, "the service failed" + suffix)
            default: return KMSError(.invalidResponse, provider: .gcpKMS, key: key, "Cloud KMS decrypt failed" + suffix)
            }
        }
    }
}
