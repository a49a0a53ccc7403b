#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import JSON

/// HashiCorp Vault / OpenBao transit `decrypt` (`POST <address>/v1/<engine_path>/decrypt/<key_name>`)
/// as sops calls it: the address comes from the file (`VAULT_ADDR` is not consulted), the path is
/// cleaned like Go's `path.Join`, the token is the explicit one (Flux's `sops.vault-token`), else
/// `VAULT_TOKEN`, else `~/.vault-token`. `VAULT_NAMESPACE`, `VAULT_CACERT`, `VAULT_CACERT_BYTES`,
/// `VAULT_CAPATH`, `VAULT_CLIENT_CERT`/`VAULT_CLIENT_KEY`, `VAULT_TLS_SERVER_NAME` and
/// `VAULT_SKIP_VERIFY` apply; `SOPS_HC_VAULT_ALLOWLIST` (`all` by default, `none`, or a comma list
/// of address prefixes) limits which servers a file may send the token to.
public struct VaultTransitClient: Sendable {
    public let session: KMSSession
    /// A token that replaces the environment's (Flux's `sops.vault-token` entry).
    let token: String?

    public init(session: KMSSession, token: String? = nil) {
        self.session = session
        self.token = token.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Unwraps the transit ciphertext (`vault:v1:…`) with key `keyName` of the engine mounted at
    /// `enginePath` on the server at `address`; returns the base64-decoded plaintext.
    public func decrypt(ciphertext: String, address: String, enginePath: String, keyName: String) async throws(KMSError) -> SecureBytes {
        let keyDescription = "\(address)/v1/\(enginePath)/keys/\(keyName)"
        guard let server = URL(string: address), let scheme = server.scheme?.lowercased(), scheme == "https" || scheme == "http",
            server.host(percentEncoded: false)?.isEmpty == false
        else {
            throw KMSError(.invalidKeyReference, provider: .vaultTransit, key: keyDescription, "vault_address is not an http(s) URL")
        }
        try checkAllowlist(address, key: keyDescription)
        guard !keyName.isEmpty else {
            throw KMSError(.invalidKeyReference, provider: .vaultTransit, key: keyDescription, "the key name is empty")
        }
        let segments = Self.cleanedPath([enginePath, "decrypt", keyName])
        var base = address
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/v1/" + segments.map { PercentEncoding.encode($0) }.joined(separator: "/")) else {
            throw KMSError(.invalidKeyReference, provider: .vaultTransit, key: keyDescription, "cannot build the decrypt URL")
        }
        let (token, origin) = try resolveToken(key: keyDescription)
        let namespace = session.environment["VAULT_NAMESPACE"]
        var body = JSONObject()
        body["ciphertext"] = .string(ciphertext)
        let bodyData = Data(JSONSerializer().serialize(.object(body)))
        let client = try session.client(named: "vault", provider: .vaultTransit, key: keyDescription) { () throws(KMSError) -> HTTPClientConfiguration in
            try clientConfiguration(key: keyDescription)
        }
        var retry = session.options.retry
        if let configured = session.environment["VAULT_MAX_RETRIES"].flatMap(Int.init), configured >= 0 {
            retry.maximumAttempts = configured + 1
        }
        let exchange = ServiceExchange(client: client, retry: retry, provider: .vaultTransit, key: keyDescription, operation: "Vault transit decrypt")
        return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
            var headers: HTTPHeaders = ["Content-Type": "application/json", "X-Vault-Request": "true", "X-Vault-Token": token]
            if let namespace { headers.replaceOrAdd(name: "X-Vault-Namespace", value: namespace) }
            return HTTPRequest(method: .post, url: url, headers: headers, body: bodyData)
        } interpret: { (response) throws(KMSError) -> SecureBytes in
            guard response.isSuccess else { throw Self.failure(response, key: keyDescription, token: token, origin: origin) }
            guard let encoded = response.json?["data"]?["plaintext"]?.stringValue, var plaintext = Base64Coding.decode(encoded) else {
                throw KMSError(.invalidResponse, provider: .vaultTransit, key: keyDescription, "Vault answered without a base64 data.plaintext")
            }
            return SecureBytes(wiping: &plaintext)
        }
    }

    /// Go `path.Join` semantics: empty and `.` segments dropped, `..` removes the previous one.
    static func cleanedPath(_ parts: [String]) -> [String] {
        var result: [String] = []
        for part in parts {
            for segment in part.split(separator: "/", omittingEmptySubsequences: true) {
                switch segment {
                case ".": continue
                case "..": if !result.isEmpty { result.removeLast() }
                default: result.append(String(segment))
                }
            }
        }
        return result
    }

    private func checkAllowlist(_ address: String, key: String) throws(KMSError) {
        let setting = session.environment["SOPS_HC_VAULT_ALLOWLIST"] ?? "all"
        if setting == "all" { return }
        let normalized = address.hasSuffix("/") ? address : address + "/"
        if setting != "none" {
            for (index, entry) in setting.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                let prefix = entry.trimmingWhitespace()
                guard !prefix.isEmpty else {
                    throw KMSError(.invalidKeyReference, provider: .vaultTransit, key: key, "SOPS_HC_VAULT_ALLOWLIST's entry \(index + 1) is empty")
                }
                if normalized.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/") { return }
            }
        }
        throw KMSError(.invalidKeyReference, provider: .vaultTransit, key: key,
            "SOPS_HC_VAULT_ALLOWLIST does not allow \(address); no token was sent")
    }

    private func resolveToken(key: String) throws(KMSError) -> (String, origin: String) {
        if let token { return (token, "the Secret entry sops.vault-token") }
        if let token = session.environment["VAULT_TOKEN"] { return (token, "VAULT_TOKEN") }
        var tried = ["the Secret entry sops.vault-token (none)", "VAULT_TOKEN (not set)"]
        if let path = session.environment.homeFile(".vault-token") {
            let text: String?
            do {
                text = try CredentialFile.readTrimmedText(path)
            } catch {
                throw KMSError(.invalidCredentials, provider: .vaultTransit, key: key, "cannot read the Vault token file: \(error)")
            }
            if let text, !text.isEmpty { return (text, path) }
            tried.append("\(path) (\(text == nil ? "missing" : "empty"))")
        } else {
            tried.append("~/.vault-token (no home directory)")
        }
        throw KMSError(.noCredentials, provider: .vaultTransit, key: key, "no Vault token found; tried " + tried.joined(separator: ", "))
    }

    /// TLS and proxy settings from the Vault client's environment variables.
    private func clientConfiguration(key: String) throws(KMSError) -> HTTPClientConfiguration {
        let environment = session.environment
        var tls = TLSConfiguration()
        if let bytes = environment["VAULT_CACERT_BYTES"] {
            tls.certificateAuthority = .pem(Data(bytes.utf8))
        } else if let file = environment["VAULT_CACERT"] {
            tls.certificateAuthority = .file(file)
        } else if let directory = environment["VAULT_CAPATH"] {
            var bundle = ""
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() {
                let bytes: [UInt8]?
                do {
                    bytes = try CredentialFile.read(directory + "/" + name)
                } catch {
                    continue
                }
                let text = String(decoding: bytes ?? [], as: UTF8.self)
                if text.contains("-----BEGIN CERTIFICATE-----") { bundle += text + "\n" }
            }
            guard !bundle.isEmpty else {
                throw KMSError(.invalidCredentials, provider: .vaultTransit, key: key, "VAULT_CAPATH \(directory) holds no PEM certificates")
            }
            tls.certificateAuthority = .pem(Data(bundle.utf8))
        }
        if let certificate = environment["VAULT_CLIENT_CERT"] { tls.clientCertificate = .file(certificate) }
        if let clientKey = environment["VAULT_CLIENT_KEY"] { tls.clientKey = .file(clientKey) }
        if let serverName = environment["VAULT_TLS_SERVER_NAME"] { tls.serverName = serverName }
        if let skip = environment["VAULT_SKIP_VERIFY"] {
            switch skip {
            case "1", "t", "T", "TRUE", "true", "True": tls.insecureSkipVerify = true
            case "0", "f", "F", "FALSE", "false", "False": tls.insecureSkipVerify = false
            default:
                throw KMSError(.invalidCredentials, provider: .vaultTransit, key: key, "VAULT_SKIP_VERIFY is not a boolean")
            }
        }
        return HTTPClientConfiguration(
            tls: tls, proxy: .environment(environment.variables), connectTimeout: session.options.connectTimeout,
            totalTimeout: session.options.requestTimeout, maxResponseBodyBytes: 1 << 20, userAgent: "stageset-agent")
    }

    /// Maps a Vault error answer (`{"errors": ["…"]}`).
    static func failure(_ response: HTTPResponse, key: String, token: String, origin: String) -> KMSError {
        let errors = response.json?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let text = errors.joined(separator: "; ")
        let detail = ServiceText.excerpt(text, redacting: [token])
        let suffix = " (HTTP \(response.status)\(detail.isEmpty ? "" : ", " + detail); token from \(origin))"
        let lowered = text.lowercased()
        switch response.status {
        case 401, 403:
            return KMSError(.accessDenied, provider: .vaultTransit, key: key, "permission denied" + suffix)
        case 404:
            return KMSError(.keyNotFound, provider: .vaultTransit, key: key, "no transit engine or key at this path" + suffix)
        case 400:
            if lowered.contains("key not found") || lowered.contains("encryption key not found") {
                return KMSError(.keyNotFound, provider: .vaultTransit, key: key, "the transit key does not exist" + suffix)
            }
            return KMSError(.invalidCiphertext, provider: .vaultTransit, key: key,
                "the ciphertext does not decrypt with this key (another key, a trimmed key version, or a damaged enc)" + suffix)
        case 412, 429:
            return KMSError(response.status == 429 ? .throttled : .unavailable, provider: .vaultTransit, key: key,
                (response.status == 429 ? "throttled" : "the server is not ready") + suffix)
        case 500...:
            return KMSError(.unavailable, provider: .vaultTransit, key: key, "the server failed (sealed, standby or down)" + suffix)
        default:
            return KMSError(.invalidResponse, provider: .vaultTransit, key: key, "Vault transit decrypt failed" + suffix)
        }
    }
}
