#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import JSON

/// Access tokens for Cloud KMS, from explicit credentials or sops' order: `GOOGLE_CREDENTIALS`
/// (a file path or the JSON itself), `GOOGLE_OAUTH_ACCESS_TOKEN`, then Application Default
/// Credentials: the `GOOGLE_APPLICATION_CREDENTIALS` file, gcloud's
/// `application_default_credentials.json` (`CLOUDSDK_CONFIG` or `~/.config/gcloud`), the metadata
/// server (`GCE_METADATA_HOST` overrides `169.254.169.254`, header `Metadata-Flavor: Google`).
/// Service accounts use the RS256 JWT-bearer grant at `token_uri`, authorized users the refresh-token
/// grant. Tokens are cached in the session until shortly before they expire.
struct GCPAccessTokenProvider {
    let session: KMSSession
    let explicit: GCPCredentials?
    let key: String

    static let scopes = "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/cloudkms"

    /// A token and the cache key it is stored under (to drop it when the service rejects it).
    func token() async throws(KMSError) -> (AccessToken, cacheKey: String?) {
        let credentials = try resolve()
        switch credentials.kind {
        case .accessToken(let token):
            return (AccessToken(value: token, principal: credentials.origin), nil)
        case .serviceAccount(let email, let privateKeyID, let privateKey, let tokenURI):
            let cacheKey = ["gcp", "service-account", email, privateKeyID ?? "", tokenURI].joined(separator: "|")
            let token = try await session.accessTokens.value(for: cacheKey) { () async throws(KMSError) -> (AccessToken, Date?) in
                let now = Int(Date().timeIntervalSince1970)
                var header = JSONObject()
                header["alg"] = "RS256"
                header["typ"] = "JWT"
                if let privateKeyID { header["kid"] = .string(privateKeyID) }
                var claims = JSONObject()
                claims["iss"] = .string(email)
                claims["scope"] = .string(Self.scopes)
                claims["aud"] = .string(tokenURI)
                claims["iat"] = .integer(now)
                claims["exp"] = .integer(now + 3600)
                let assertion: String
                do throws(CryptoError) {
                    assertion = try JSONWebToken.signRS256(header: header, claims: claims, key: privateKey)
                } catch {
                    throw KMSError(.invalidCredentials, provider: .gcpKMS, key: key, "cannot sign the service account assertion: \(error.message)")
                }
                return try await exchange(
                    tokenURI, form: [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)],
                    principal: "service account \(email) (\(credentials.origin))", redacting: [assertion])
            }
            return (token, cacheKey)
        case .authorizedUser(let clientID, let clientSecret, let refreshToken, let tokenURI):
            let digest = lowercaseHex(((try? Hash.compute(.sha256, Array(refreshToken.utf8))) ?? []).prefix(8))
            let cacheKey = ["gcp", "authorized-user", clientID, digest, tokenURI].joined(separator: "|")
            let token = try await session.accessTokens.value(for: cacheKey) { () async throws(KMSError) -> (AccessToken, Date?) in
                try await exchange(
                    tokenURI,
                    form: [("grant_type", "refresh_token"), ("client_id", clientID), ("client_secret", clientSecret), ("refresh_token", refreshToken)],
                    principal: "authorized user (\(credentials.origin))", redacting: [clientSecret, refreshToken])
            }
            return (token, cacheKey)
        case .metadataServer:
            let host = session.environment["GCE_METADATA_HOST"] ?? "169.254.169.254"
            let cacheKey = "gcp|metadata|" + host
            let token = try await session.accessTokens.value(for: cacheKey) { () async throws(KMSError) -> (AccessToken, Date?) in
                try await metadataToken(host: host)
            }
            return (token, cacheKey)
        }
    }

    /// The credentials to use: explicit ones, else the first configured environment source.
    func resolve() throws(KMSError) -> GCPCredentials {
        if let explicit { return explicit }
        let environment = session.environment
        if let value = environment["GOOGLE_CREDENTIALS"] {
            if value.trimmingWhitespace().hasPrefix("{") {
                return try parse(Array(value.utf8), origin: "GOOGLE_CREDENTIALS")
            }
            return try parse(try read(value, variable: "GOOGLE_CREDENTIALS"), origin: "GOOGLE_CREDENTIALS file \(value)")
        }
        if let token = environment["GOOGLE_OAUTH_ACCESS_TOKEN"] {
            return .accessToken(token, origin: "GOOGLE_OAUTH_ACCESS_TOKEN")
        }
        if let path = environment["GOOGLE_APPLICATION_CREDENTIALS"] {
            return try parse(try read(path, variable: "GOOGLE_APPLICATION_CREDENTIALS"), origin: "GOOGLE_APPLICATION_CREDENTIALS file \(path)")
        }
        if let directory = environment["CLOUDSDK_CONFIG"] ?? environment.homeFile(".config/gcloud") {
            let path = directory + "/application_default_credentials.json"
            let bytes: [UInt8]?
            do {
                bytes = try CredentialFile.read(path)
            } catch {
                throw KMSError(.invalidCredentials, provider: .gcpKMS, key: key, "cannot read the gcloud application default credentials: \(error)")
            }
            if let bytes {
                return try parse(bytes, origin: "gcloud application default credentials \(path)")
            }
        }
        return GCPCredentials(kind: .metadataServer, origin: "the metadata server")
    }

    private func parse(_ bytes: [UInt8], origin: String) throws(KMSError) -> GCPCredentials {
        do {
            return try GCPCredentials(json: bytes, origin: origin)
        } catch {
            throw error.forKey(key)
        }
    }

    /// A file a variable names; it must exist.
    private func read(_ path: String, variable: String) throws(KMSError) -> [UInt8] {
        let bytes: [UInt8]?
        do {
            bytes = try CredentialFile.read(session.environment.expandingHome(path))
        } catch {
            throw KMSError(.invalidCredentials, provider: .gcpKMS, key: key, "cannot read \(variable): \(error)")
        }
        guard let bytes else {
            throw KMSError(.invalidCredentials, provider: .gcpKMS, key: key, "\(variable) names \(path), which does not exist")
        }
        return bytes
    }

    private func exchange(_ tokenURI: String, form: [(String, String)], principal: String, redacting secrets: [String]) async throws(KMSError)
        -> (AccessToken, Date?)
    {
        guard let url = URL(string: tokenURI), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host() != nil else {
            throw KMSError(.invalidCredentials, provider: .gcpKMS, key: key, "the credentials' token_uri is not an http(s) URL")
        }
        let endpoint = "the Google token endpoint \(AWSContainerCredentials.redacted(url))"
        let body = Data(PercentEncoding.form(form).utf8)
        let exchange = ServiceExchange(
            client: try session.apiClient(.gcpKMS, key: key), retry: session.options.retry, provider: .gcpKMS, key: key, operation: endpoint)
        return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
            HTTPRequest(method: .post, url: url, headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"], body: body)
        } interpret: { (response) throws(KMSError) -> (AccessToken, Date?) in
            try OAuthTokenResponse.parse(response, provider: .gcpKMS, key: key, endpoint: endpoint, principal: principal, redacting: secrets)
        }
    }

    private func metadataToken(host: String) async throws(KMSError) -> (AccessToken, Date?) {
        let base = host.contains("://") ? host : "http://" + host
        guard let url = URL(string: base + "/computeMetadata/v1/instance/service-accounts/default/token") else {
            throw KMSError(.invalidCredentials, provider: .gcpKMS, key: key, "GCE_METADATA_HOST is not a host name")
        }
        var exchange = ServiceExchange(
            client: try session.metadataClient(.gcpKMS, key: key), retry: session.options.retry, provider: .gcpKMS, key: key,
            operation: "the GCE metadata server at \(host)")
        exchange.retriesConnectionFailures = false
        do {
            return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
                HTTPRequest(method: .get, url: url, headers: ["Metadata-Flavor": "Google"])
            } interpret: { (response) throws(KMSError) -> (AccessToken, Date?) in
                if response.status == 404 {
                    throw KMSError(.noCredentials, provider: .gcpKMS, key: key, "the metadata server has no default service account")
                }
                return try OAuthTokenResponse.parse(
                    response, provider: .gcpKMS, key: key, endpoint: "the GCE metadata server", principal: "the metadata server's default service account",
                    redacting: [])
            }
        } catch {
            guard error.code == .unavailable || error.code == .noCredentials, !error.isTransient else { throw error }
            throw KMSError(.noCredentials, provider: .gcpKMS, key: key,
                "no Google credentials found; tried GOOGLE_CREDENTIALS, GOOGLE_OAUTH_ACCESS_TOKEN and GOOGLE_APPLICATION_CREDENTIALS (not set), "
                    + "gcloud application default credentials (none), the metadata server at \(host) (\(error.message))")
        }
    }
}
