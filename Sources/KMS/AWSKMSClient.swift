#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CryptoPrimitives
import HTTP
import JSON

/// AWS KMS `Decrypt` (`TrentService.Decrypt`, JSON 1.1, SigV4) in the key's region, as sops calls
/// it: the file's `context` as `EncryptionContext`, an optional `role` assumed through STS
/// `AssumeRole` first (session name `sops@<host>`), the key's `aws_profile` honoured.
public struct AWSKMSClient: Sendable {
    public let session: KMSSession
    /// Credentials that replace the whole chain (Flux's `sops.aws-kms` entry); `nil` uses the chain.
    public let staticCredentials: AWSCredentials?

    public init(session: KMSSession, staticCredentials: AWSCredentials? = nil) {
        self.session = session
        self.staticCredentials = staticCredentials
    }

    /// Unwraps `ciphertextBlob` with the key `keyARN`.
    /// - Parameters:
    ///   - encryptionContext: must equal the context used to encrypt (sops: the key's `context` map).
    ///   - role: an IAM role ARN to assume before calling KMS; `nil` or empty for none.
    ///   - profile: a shared-config profile to take credentials from; `nil` or empty for the chain.
    public func decrypt(
        ciphertextBlob: [UInt8], keyARN: String, encryptionContext: [String: String] = [:], role: String? = nil, profile: String? = nil
    ) async throws(KMSError) -> SecureBytes {
        let keyDescription = role.flatMap { $0.isEmpty ? nil : $0 }.map { "\(keyARN) (role \($0))" } ?? keyARN
        guard let arn = AWSKeyARN(keyARN) else {
            throw KMSError(.invalidKeyReference, provider: .awsKMS, key: keyARN, "not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)")
        }
        let chain = AWSCredentialChain(session: session, arn: arn, key: keyDescription)
        let profileName = profile.flatMap { $0.isEmpty ? nil : $0 }
        var credentials: AWSCredentials
        if let staticCredentials {
            credentials = staticCredentials
        } else {
            credentials = try await chain.resolve(profile: profileName)
        }
        let profileSettings = staticCredentials == nil ? try chain.profileSettings(profileName) : nil
        if let role, !role.isEmpty {
            let sts = AWSSecurityTokenService(session: session, endpoint: try chain.stsEndpoint(profile: profileSettings), region: arn.region,
                key: keyDescription)
            let base = credentials
            let sessionName = Self.sessionName(hostName: session.options.hostName ?? Self.systemHostName())
            let cacheKey = ["key-role", role, base.cacheIdentity, sts.endpoint.absoluteString].joined(separator: "|")
            credentials = try await session.awsCredentials.value(for: cacheKey) { () async throws(KMSError) -> (AWSCredentials, Date?) in
                let assumed = try await sts.assumeRole(roleARN: role, sessionName: sessionName, credentials: base)
                return (assumed, assumed.expiration)
            }
        }
        let endpoint = try AWSEndpoints.url(
            service: "kms", region: arn.region, partition: arn, environment: session.environment, profile: profileSettings, key: keyDescription)
        return try await callDecrypt(
            endpoint: endpoint, region: arn.region, ciphertextBlob: ciphertextBlob, keyARN: keyARN, context: encryptionContext,
            credentials: credentials, keyDescription: keyDescription)
    }

    private func callDecrypt(
        endpoint: URL, region: String, ciphertextBlob: [UInt8], keyARN: String, context: [String: String], credentials: AWSCredentials,
        keyDescription: String
    ) async throws(KMSError) -> SecureBytes {
        var request = JSONObject()
        request["CiphertextBlob"] = .string(Base64Coding.encode(ciphertextBlob))
        if !context.isEmpty {
            request["EncryptionContext"] = .object(JSONObject(context.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        }
        request["KeyId"] = .string(keyARN)
        let body = JSONSerializer().serialize(.object(request))
        let exchange = ServiceExchange(
            client: try session.apiClient(.awsKMS, key: keyDescription), retry: session.options.retry, provider: .awsKMS, key: keyDescription,
            operation: "KMS Decrypt")
        return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
            let headers: [(String, String)]
            do throws(CryptoError) {
                headers = try AWSSignatureV4.sign(
                    method: "POST", url: endpoint,
                    headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.Decrypt")],
                    body: body, credentials: credentials, region: region, service: "kms", date: Date())
            } catch {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: keyDescription, "cannot sign the KMS request: \(error.message)")
            }
            return HTTPRequest(method: .post, url: endpoint, headers: HTTPHeaders(headers), body: Data(body))
        } interpret: { (response) throws(KMSError) -> SecureBytes in
            guard response.isSuccess else {
                throw Self.failure(response, key: keyDescription, credentials: credentials)
            }
            guard let encoded = response.json?["Plaintext"]?.stringValue, var plaintext = Base64Coding.decode(encoded) else {
                throw KMSError(.invalidResponse, provider: .awsKMS, key: keyDescription, "KMS Decrypt answered without a base64 Plaintext")
            }
            return SecureBytes(wiping: &plaintext)
        }
    }

    /// Maps a KMS error answer (`{"__type": "…Exception", "message": …}`) to a `KMSError`.
    static func failure(_ response: HTTPResponse, key: String, credentials: AWSCredentials) -> KMSError {
        let json = response.json
        var type = json?["__type"]?.stringValue ?? response.headers["X-Amzn-ErrorType"] ?? ""
        if let hash = type.lastIndex(of: "#") { type = String(type[type.index(after: hash)...]) }
        if let colon = type.firstIndex(of: ":") { type = String(type[..<colon]) }
        let serverMessage = json?["message"]?.stringValue ?? json?["Message"]?.stringValue ?? ""
        let detail = ServiceText.excerpt([type, serverMessage].filter { !$0.isEmpty }.joined(separator: ": "), redacting: credentials.secrets)
        let suffix = " (HTTP \(response.status)\(detail.isEmpty ? "" : ", " + detail); credentials from \(credentials.source))"
        switch type {
        case "InvalidCiphertextException", "IncorrectKeyException":
            return KMSError(.invalidCiphertext, provider: .awsKMS, key: key,
                "the ciphertext does not decrypt with this key and encryption context (a different context, another key, or a damaged enc)"
                    + suffix)
        case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
            "ExpiredTokenException", "InvalidClientTokenId", "MissingAuthenticationToken", "NotAuthorized":
            return KMSError(.accessDenied, provider: .awsKMS, key: key, "access denied" + suffix)
        case "NotFoundException":
            return KMSError(.keyNotFound, provider: .awsKMS, key: key, "the key does not exist" + suffix)
        case "DisabledException", "KMSInvalidStateException", "InvalidKeyUsageException", "KeyUnavailableException":
            return KMSError(.keyUnusable, provider: .awsKMS, key: key, "the key cannot be used now" + suffix)
        case "ThrottlingException", "LimitExceededException", "RequestLimitExceeded", "TooManyRequestsException":
            return KMSError(.throttled, provider: .awsKMS, key: key, "throttled" + suffix)
        case "KMSInternalException", "DependencyTimeoutException", "ServiceUnavailable", "InternalFailure", "InternalServerError":
            return KMSError(.unavailable, provider: .awsKMS, key: key, "the service failed" + suffix)
        default:
            if response.status == 429 { return KMSError(.throttled, provider: .awsKMS, key: key, "throttled" + suffix) }
            if response.status >= 500 { return KMSError(.unavailable, provider: .awsKMS, key: key, "the service failed" + suffix) }
            if response.status == 401 || response.status == 403 {
                return KMSError(.accessDenied, provider: .awsKMS, key: key, "access denied" + suffix)
            }
            return KMSError(.invalidResponse, provider: .awsKMS, key: key, "KMS Decrypt failed" + suffix)
        }
    }

    /// `sops@<host>` with the host sanitised exactly as sops does (its character class
    /// `[^a-zA-Z0-9=,.@-_]` keeps `@`…`_`, i.e. also `[\]^`, and drops `-`), at most 64 characters.
    static func sessionName(hostName: String) -> String {
        let kept = hostName.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x61...0x7A, 0x30...0x39, 0x3D, 0x2C, 0x2E, 0x40...0x5F: true
            default: false
            }
        }
        var name = "sops@" + String(String.UnicodeScalarView(kept))
        if name.utf8.count >= 64 { name = String(decoding: Array(name.utf8.prefix(64)), as: UTF8.self) }
        return name
    }

    static func systemHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
