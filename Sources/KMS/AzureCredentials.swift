import CryptoPrimitives

/// Microsoft Entra ID credentials for Key Vault: a client secret, a client certificate (JWT client
/// assertion signed with the certificate's key, `x5t` thumbprint), a workload identity (federated
/// token file), or a managed identity (IMDS or an App Service style endpoint). The first three use
/// `<authority>/<tenant>/oauth2/v2.0/token`. `description` never shows secrets.
public struct AzureCredentials: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case clientSecret(tenantID: String, clientID: String, secret: String)
        case clientCertificate(tenantID: String, clientID: String, key: RSAPrivateKey, certificate: X509Certificate,
            chain: [X509Certificate], sendChain: Bool)
        case workloadIdentity(tenantID: String, clientID: String, tokenFile: String)
        case managedIdentity(clientID: String?)
    }

    let kind: Kind
    /// `https://login.microsoftonline.com` unless configured otherwise (sovereign clouds, tests).
    public let authorityHost: String
    /// Where these credentials came from, for messages.
    public let origin: String

    public static let defaultAuthorityHost = "https://login.microsoftonline.com"

    init(kind: Kind, authorityHost: String?, origin: String) {
        self.kind = kind
        var host = authorityHost.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultAuthorityHost
        while host.hasSuffix("/") { host.removeLast() }
        self.authorityHost = host
        self.origin = origin
    }

    /// A service principal with a client secret.
    public static func clientSecret(tenantID: String, clientID: String, secret: String, authorityHost: String? = nil,
        origin: String = "client secret") -> AzureCredentials
    {
        AzureCredentials(kind: .clientSecret(tenantID: tenantID, clientID: clientID, secret: secret), authorityHost: authorityHost, origin: origin)
    }

    /// A service principal with a certificate: `pem` holds the certificate (first one is the leaf,
    /// further ones the chain) and its RSA private key (optionally encrypted with `password`).
    public static func clientCertificate(
        tenantID: String, clientID: String, pem: String, password: String? = nil, sendChain: Bool = false, authorityHost: String? = nil,
        origin: String = "client certificate"
    ) throws(KMSError) -> AzureCredentials {
        let key: RSAPrivateKey
        do {
            key = try RSAPrivateKey(pem: pem, passphrase: password.flatMap { $0.isEmpty ? nil : SecureBytes(Array($0.utf8)) })
        } catch {
            throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: "",
                "the client certificate in \(origin) has no usable RSA private key (PEM, unencrypted or with the given password)")
        }
        var certificates: [X509Certificate] = []
        var remaining = Substring(pem)
        while let start = remaining.firstRange(of: "-----BEGIN CERTIFICATE-----") {
            guard let end = remaining[start.upperBound...].firstRange(of: "-----END CERTIFICATE-----") else { break }
            let block = String(remaining[start.lowerBound..<end.upperBound])
            if let certificate = try? X509Certificate(pem: block) { certificates.append(certificate) }
            remaining = remaining[end.upperBound...]
        }
        guard let leaf = certificates.first else {
            throw KMSError(.invalidCredentials, provider: .azureKeyVault, key: "", "the client certificate in \(origin) contains no PEM certificate")
        }
        return AzureCredentials(
            kind: .clientCertificate(tenantID: tenantID, clientID: clientID, key: key, certificate: leaf, chain: certificates, sendChain: sendChain),
            authorityHost: authorityHost, origin: origin)
    }

    /// A workload identity: the federated token in `tokenFile` (re-read for every token request).
    public static func workloadIdentity(tenantID: String, clientID: String, tokenFile: String, authorityHost: String? = nil,
        origin: String = "workload identity") -> AzureCredentials
    {
        AzureCredentials(kind: .workloadIdentity(tenantID: tenantID, clientID: clientID, tokenFile: tokenFile), authorityHost: authorityHost,
            origin: origin)
    }

    /// A managed identity: system-assigned, or user-assigned with `clientID`.
    public static func managedIdentity(clientID: String? = nil, origin: String = "managed identity") -> AzureCredentials {
        AzureCredentials(kind: .managedIdentity(clientID: clientID.flatMap { $0.isEmpty ? nil : $0 }), authorityHost: nil, origin: origin)
    }

    /// What kind of credentials these are.
    public var kindName: String {
        switch kind {
        case .clientSecret(_, let clientID, _): "client secret of \(clientID)"
        case .clientCertificate(_, let clientID, _, _, _, _): "client certificate of \(clientID)"
        case .workloadIdentity(_, let clientID, _): "workload identity \(clientID)"
        case .managedIdentity(let clientID): clientID.map { "managed identity \($0)" } ?? "system-assigned managed identity"
        }
    }

    public var description: String { "AzureCredentials(\(kindName), from \(origin))" }
}
