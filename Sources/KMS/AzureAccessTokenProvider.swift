#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import JSON

/// Entra ID access tokens for a scope, from explicit credentials or DefaultAzureCredential's order:
/// environment (`AZURE_TENANT_ID` + `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET`, or
/// `AZURE_CLIENT_CERTIFICATE_PATH` [+ `_PASSWORD`, `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`]), workload
/// identity (`AZURE_FEDERATED_TOKEN_FILE` + `AZURE_CLIENT_ID` + `AZURE_TENANT_ID`), managed identity
/// (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, else IMDS at `AZURE_POD_IDENTITY_AUTHORITY_HOST` or
/// `http://169.254.169.254`; `AZURE_CLIENT_ID` picks a user-assigned identity). `AZURE_AUTHORITY_HOST`
/// overrides `https://login.microsoftonline.com`. Tokens are cached in the session.
struct AzureAccessTokenProvider {
    let session: KMSSession
    let explicit: AzureCredentials?
    let key: String

    func token(scope: String) async throws(KMSError) -> (AccessToken, cacheKey: String) {
        var tried: [String] = []
        let credentials = try resolve(tried: &tried)
        let sourcesTried = tried
        let cacheKey = ["azure", credentials.cacheIdentity, credentials.authorityHost, scope].joined(separator: "|")
        let token = try await session.accessTokens.value(for: cacheKey) { () async throws(KMSError) -> (AccessToken, Date?) in
            try await fetch(credentials, scope: scope, tried: sourcesTried)
        }
        return (token, cacheKey)
    }

    func resolve(tried: inout [String]) throws(KMSError) -> AzureCredentials {
        if let explicit { return explicit }
        let environment = session.environment
        let authority = environment["AZURE_AUTHORITY_HOST"]
        if let tenantID = environment["AZURE_TENANT_ID"], let clientID = environment["AZURE_CLIENT_ID"] {
            if let secret = environment["AZURE_CLIENT_SECRET"] {
                return .clientSecret(tenantID: tenantID, clientID: clientID, secret: secret, authorityHost: authority,
                    origin: "AZURE_CLIENT_SECRET environment credentials")
            }
            if let path = environment["AZURE_CLIENT_CERTIFICATE_PATH"] {
                let bytes: [UInt8]?
                do {
                    bytes = try CredentialFile.read(path)
                } catch {
                    throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: key, "cannot read AZURE_CLIENT_CERTIFICATE_PATH: \(error)")
                }
                guard let bytes else {
                    throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: key,
                        "AZURE_CLIENT_CERTIFICATE_PATH names \(path), which does not exist")
                }
                do {
                    return try .clientCertificate(
                        tenantID: tenantID, clientID: clientID, pem: String(decoding: bytes, as: UTF8.self),
                        password: environment["AZURE_CLIENT_CERTIFICATE_PASSWORD"],
                        sendChain: environment.isEnabled("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"), authorityHost: authority,
                        origin: "AZURE_CLIENT_CERTIFICATE_PATH \(path)")
                } catch {
                    throw error.forKey(key)
                }
            }
            tried.append("environment (AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH not set)")
            if let tokenFile = environment["AZURE_FEDERATED_TOKEN_FILE"] {
                return .workloadIdentity(tenantID: tenantID, clientID: clientID, tokenFile: tokenFile, authorityHost: authority,
                    origin: "AZURE_FEDERATED_TOKEN_FILE workload identity")
            }
            tried.append("workload identity (AZURE_FEDERATED_TOKEN_FILE not set)")
        } else {
            tried.append("environment (AZURE_TENANT_ID/AZURE_CLIENT_ID not set)")
            tried.append("workload identity (AZURE_TENANT_ID/AZURE_CLIENT_ID not set)")
        }
        return .managedIdentity(clientID: environment["AZURE_CLIENT_ID"], origin: "managed identity")
    }

    private func fetch(_ credentials: AzureCredentials, scope: String, tried: [String]) async throws(KMSError) -> (AccessToken, Date?) {
        let principal = "\(credentials.kindName) (\(credentials.origin))"
        switch credentials.kind {
        case .clientSecret(let tenantID, let clientID, let secret):
            return try await tokenEndpoint(
                credentials, tenantID: tenantID,
                form: [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret), ("scope", scope)],
                principal: principal, redacting: [secret])
        case .clientCertificate(let tenantID, let clientID, let key, let certificate, let chain, let sendChain):
            let endpoint = try tokenURL(credentials, tenantID: tenantID)
            let now = Int(Date().timeIntervalSince1970)
            var header = JSONObject()
            header["alg"] = "RS256"
            header["typ"] = "JWT"
            do throws(CryptoError) {
                header["x5t"] = .string(Base64Coding.encodeURL(try certificate.thumbprint(.sha1)))
            } catch {
                throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: self.key, "cannot compute the certificate thumbprint")
            }
            if sendChain { header["x5c"] = .array(chain.map { .string(Base64Coding.encode($0.derEncoded)) }) }
            var claims = JSONObject()
            claims["aud"] = .string(endpoint.absoluteString)
            claims["iss"] = .string(clientID)
            claims["sub"] = .string(clientID)
            claims["jti"] = .string(UUID().uuidString.lowercased())
            claims["nbf"] = .integer(now)
            claims["iat"] = .integer(now)
            claims["exp"] = .integer(now + 600)
            let assertion: String
            do throws(CryptoError) {
                assertion = try JSONWebToken.signRS256(header: header, claims: claims, key: key)
            } catch {
                throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: self.key, "cannot sign the client assertion: \(error.message)")
            }
            return try await clientAssertionExchange(
                credentials, tenantID: tenantID, clientID: clientID, assertion: assertion, scope: scope, principal: principal)
        case .workloadIdentity(let tenantID, let clientID, let tokenFile):
            let assertion: String?
            do {
                assertion = try CredentialFile.readTrimmedText(tokenFile)
            } catch {
                throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: key, "cannot read AZURE_FEDERATED_TOKEN_FILE: \(error)")
            }
            guard let assertion, !assertion.isEmpty else {
                throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: key, "the federated token file \(tokenFile) does not exist or is empty")
            }
            return try await clientAssertionExchange(
                credentials, tenantID: tenantID, clientID: clientID, assertion: assertion, scope: scope, principal: principal)
        case .managedIdentity(let clientID):
            return try await managedIdentity(clientID: clientID, scope: scope, principal: principal, tried: tried)
        }
    }

    private func tokenURL(_ credentials: AzureCredentials, tenantID: String) throws(KMSError) -> URL {
        guard tenantID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }),
            let url = URL(string: credentials.authorityHost + "/" + tenantID + "/oauth2/v2.0/token"), url.scheme?.lowercased() == "https"
        else {
            throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: key,
                "the authority host must be an https URL and the tenant id a tenant GUID or domain (authority \(credentials.authorityHost))")
        }
        return url
    }

    /// The client-credentials grant with a JWT client assertion (a signed certificate assertion
    /// or a federated workload-identity token).
    private func clientAssertionExchange(
        _ credentials: AzureCredentials, tenantID: String, clientID: String, assertion: String, scope: String, principal: String
    ) async throws(KMSError) -> (AccessToken, Date?) {
        try await tokenEndpoint(
            credentials, tenantID: tenantID,
            form: [
                ("grant_type", "client_credentials"), ("client_id", clientID),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion),
                ("scope", scope),
            ], principal: principal, redacting: [assertion])
    }

    private func tokenEndpoint(
        _ credentials: AzureCredentials, tenantID: String, form: [(String, String)], principal: String, redacting secrets: [String]
    ) async throws(KMSError) -> (AccessToken, Date?) {
        let url = try tokenURL(credentials, tenantID: tenantID)
        let endpoint = "the Entra ID token endpoint \(AWSContainerCredentials.redacted(url))"
        let body = Data(PercentEncoding.form(form).utf8)
        let exchange = ServiceExchange(
            client: try session.apiClient(.azureKeyVault, key: key), retry: session.options.retry, provider: .azureKeyVault, key: key,
            operation: endpoint)
        return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
            HTTPRequest(method: .post, url: url, headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"], body: body)
        } interpret: { (response) throws(KMSError) -> (AccessToken, Date?) in
            try OAuthTokenResponse.parse(response, provider: .azureKeyVault, key: key, endpoint: endpoint, principal: principal, redacting: secrets)
        }
    }

    private func managedIdentity(clientID: String?, scope: String, principal: String, tried: [String]) async throws(KMSError) -> (AccessToken, Date?) {
        let environment = session.environment
        var resource = scope
        if resource.hasSuffix("/.default") { resource = String(resource.dropLast("/.default".count)) }
        var query = [("resource", resource)]
        if let clientID { query.append(("client_id", clientID)) }
        let url: URL?
        var headers: HTTPHeaders = ["Accept": "application/json"]
        let endpointName: String
        let appService = environment["IDENTITY_ENDPOINT"].flatMap { endpoint in environment["IDENTITY_HEADER"].map { (endpoint, $0) } }
        if let (endpoint, secretHeader) = appService {
            url = URL(string: endpoint + (endpoint.contains("?") ? "&" : "?") + PercentEncoding.form([("api-version", "2019-08-01")] + query))
            headers.replaceOrAdd(name: "X-IDENTITY-HEADER", value: secretHeader)
            endpointName = "the managed identity endpoint (IDENTITY_ENDPOINT)"
        } else {
            var base = environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"] ?? "http://169.254.169.254"
            while base.hasSuffix("/") { base.removeLast() }
            url = URL(string: base + "/metadata/identity/oauth2/token?" + PercentEncoding.form([("api-version", "2018-02-01")] + query))
            headers.replaceOrAdd(name: "Metadata", value: "true")
            endpointName = "the Azure instance metadata service at \(base)"
        }
        guard let url else {
            throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: key, "\(endpointName) is not a URL")
        }
        var exchange = ServiceExchange(
            client: try session.metadataClient(.azureKeyVault, key: key), retry: session.options.retry, provider: .azureKeyVault, key: key,
            operation: endpointName)
        exchange.retriesConnectionFailures = false
        let secrets = appService.map { [$0.1] } ?? []
        do {
            return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
                HTTPRequest(method: .get, url: url, headers: headers)
            } interpret: { (response) throws(KMSError) -> (AccessToken, Date?) in
                if appService == nil, response.status == 400 {
                    throw KMSError(.noCredentials, provider: .azureKeyVault, key: key,
                        "\(endpointName) has no managed identity\(clientID.map { " with client id \($0)" } ?? "") (HTTP 400)")
                }
                return try OAuthTokenResponse.parse(response, provider: .azureKeyVault, key: key, endpoint: endpointName, principal: principal,
                    redacting: secrets)
            }
        } catch {
            guard appService == nil, error.code == .unavailable || error.code == .noCredentials, !error.isTransient else { throw error }
            throw KMSError(.noCredentials, provider: .azureKeyVault, key: key,
                "no Azure credentials found; tried " + (tried + ["managed identity (\(error.message))"]).joined(separator: "; "))
        }
    }
}

extension AzureCredentials {
    /// Identifies the credentials in cache keys without exposing secrets.
    var cacheIdentity: String {
        switch kind {
        case .clientSecret(let tenantID, let clientID, let secret):
            let digest = lowercaseHex(((try? Hash.compute(.sha256, Array(secret.utf8))) ?? []).prefix(8))
            return "secret:\(tenantID):\(clientID):\(digest)"
        case .clientCertificate(let tenantID, let clientID, _, let certificate, _, _):
            let digest = lowercaseHex(((try? certificate.thumbprint(.sha256)) ?? []).prefix(8))
            return "certificate:\(tenantID):\(clientID):\(digest)"
        case .workloadIdentity(let tenantID, let clientID, let tokenFile):
            return "workload:\(tenantID):\(clientID):\(tokenFile)"
        case .managedIdentity(let clientID):
            return "managed:\(clientID ?? "system")"
        }
    }
}
