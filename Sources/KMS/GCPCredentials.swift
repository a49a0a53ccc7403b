import CryptoPrimitives
import JSON

/// Google credentials for Cloud KMS: a credentials JSON (`service_account` or `authorized_user`,
/// as in Flux's `sops.gcp-kms` entry, `GOOGLE_CREDENTIALS` or `GOOGLE_APPLICATION_CREDENTIALS`), a
/// static OAuth 2.0 access token, or the metadata server. `description` never shows key material.
public struct GCPCredentials: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case serviceAccount(email: String, privateKeyID: String?, key: RSAPrivateKey, tokenURI: String)
        case authorizedUser(clientID: String, clientSecret: String, refreshToken: String, tokenURI: String)
        case accessToken(String)
        case metadataServer
    }

    let kind: Kind
    /// Where these credentials came from, for messages.
    public let origin: String

    /// The default OAuth 2.0 token endpoint.
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// Parses a credentials JSON; `origin` names it in errors (`Secret entry sops.gcp-kms`).
    /// Newlines around the JSON are ignored (Flux trims them).
    public init(json bytes: [UInt8], origin: String) throws(KMSError) {
        self.origin = origin
        func invalid(_ reason: String) -> KMSError {
            KMSError(.invalidCredentials, provider: .gcpKMS, key: "", "the Google credentials in \(origin) are unusable: \(reason)")
        }
        guard let json = try? JSONParser.parse(bytes, options: JSONParser.Options(duplicateKeys: .keepLast)), json.objectValue != nil else {
            throw invalid("not a JSON object")
        }
        func field(_ name: String) -> String? {
            guard let value = json[name]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        switch field("type") {
        case "service_account":
            guard let email = field("client_email") else { throw invalid("client_email is missing") }
            guard let pem = field("private_key") else { throw invalid("private_key is missing") }
            let key: RSAPrivateKey
            do {
                key = try RSAPrivateKey(pem: pem)
            } catch {
                throw invalid("private_key is not a PEM RSA private key")
            }
            kind = .serviceAccount(email: email, privateKeyID: field("private_key_id"), key: key, tokenURI: field("token_uri") ?? Self.defaultTokenURI)
        case "authorized_user":
            guard let clientID = field("client_id"), let clientSecret = field("client_secret"), let refreshToken = field("refresh_token") else {
                throw invalid("client_id, client_secret and refresh_token are required for authorized_user")
            }
            kind = .authorizedUser(clientID: clientID, clientSecret: clientSecret, refreshToken: refreshToken,
                tokenURI: field("token_uri") ?? Self.defaultTokenURI)
        case let other?:
            throw invalid("credential type \"\(ServiceText.excerpt(other))\" is not supported (service_account or authorized_user)")
        case nil:
            throw invalid("the type field is missing")
        }
    }

    init(kind: Kind, origin: String) {
        self.kind = kind
        self.origin = origin
    }

    /// A static OAuth 2.0 access token (as `GOOGLE_OAUTH_ACCESS_TOKEN`).
    public static func accessToken(_ token: String, origin: String = "a static access token") -> GCPCredentials {
        GCPCredentials(kind: .accessToken(token), origin: origin)
    }

    /// What kind of credentials these are.
    public var kindName: String {
        switch kind {
        case .serviceAccount(let email, _, _, _): "service account \(email)"
        case .authorizedUser(let clientID, _, _, _): "authorized user (client \(clientID))"
        case .accessToken: "static access token"
        case .metadataServer: "metadata server"
        }
    }

    public var description: String { "GCPCredentials(\(kindName), from \(origin))" }
}
