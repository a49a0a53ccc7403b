#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import Timestamps

/// The STS query API calls the credential chain needs: `AssumeRole` (signed with the base
/// credentials) and `AssumeRoleWithWebIdentity` (unsigned), XML answers.
struct AWSSecurityTokenService {
    let session: KMSSession
    let endpoint: URL
    let region: String
    /// The KMS key being decrypted, for messages.
    let key: String

    func assumeRole(
        roleARN: String, sessionName: String, credentials: AWSCredentials, externalID: String? = nil, durationSeconds: String? = nil
    ) async throws(KMSError) -> AWSCredentials {
        var form = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let externalID { form.append(("ExternalId", externalID)) }
        if let durationSeconds { form.append(("DurationSeconds", durationSeconds)) }
        return try await call(
            form, operation: "STS AssumeRole for role \(roleARN)", resultElement: "AssumeRoleResult", signingCredentials: credentials,
            redacting: credentials.secrets, source: "STS AssumeRole \(roleARN)")
    }

    func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, webIdentityToken: String) async throws(KMSError) -> AWSCredentials {
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN), ("RoleSessionName", sessionName),
            ("WebIdentityToken", webIdentityToken),
        ]
        return try await call(
            form, operation: "STS AssumeRoleWithWebIdentity for role \(roleARN)", resultElement: "AssumeRoleWithWebIdentityResult",
            signingCredentials: nil, redacting: [webIdentityToken], source: "STS AssumeRoleWithWebIdentity \(roleARN)")
    }

    private func call(
        _ form: [(String, String)], operation: String, resultElement: String, signingCredentials: AWSCredentials?, redacting secrets: [String],
        source: String
    ) async throws(KMSError) -> AWSCredentials {
        let body = Array(PercentEncoding.form(form).utf8)
        let exchange = ServiceExchange(
            client: try session.apiClient(.awsKMS, key: key), retry: session.options.retry, provider: .awsKMS, key: key, operation: operation)
        return try await exchange.perform { () throws(KMSError) -> HTTPRequest in
            var headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
            if let signingCredentials {
                do throws(CryptoError) {
                    headers = try AWSSignatureV4.sign(
                        method: "POST", url: endpoint, headers: headers, body: body, credentials: signingCredentials, region: region,
                        service: "sts", date: Date())
                } catch {
                    throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "cannot sign \(operation): \(error.message)")
                }
            }
            return HTTPRequest(method: .post, url: endpoint, headers: HTTPHeaders(headers), body: Data(body))
        } interpret: { (response) throws(KMSError) -> AWSCredentials in
            let text = response.bodyText
            guard response.isSuccess else {
                throw failure(response, text: text, operation: operation, secrets: secrets)
            }
            let path = [resultElement, "Credentials"]
            guard let accessKeyID = XMLText.text(path + ["AccessKeyId"], in: text),
                let secret = XMLText.text(path + ["SecretAccessKey"], in: text),
                let token = XMLText.text(path + ["SessionToken"], in: text), !accessKeyID.isEmpty, !secret.isEmpty
            else {
                throw KMSError(.invalidResponse, provider: .awsKMS, key: key, "\(operation) answered without credentials")
            }
            let expiration = XMLText.text(path + ["Expiration"], in: text).flatMap { RFC3339.parse($0.trimmingWhitespace()) }
            return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration, source: source)
        }
    }

    private func failure(_ response: HTTPResponse, text: String, operation: String, secrets: [String]) -> KMSError {
        let code = XMLText.text(["Error", "Code"], in: text) ?? ""
        let message = XMLText.text(["Error", "Message"], in: text) ?? ""
        let detail = ServiceText.excerpt([code, message].filter { !$0.isEmpty }.joined(separator: ": "), redacting: secrets)
        let explained = "\(operation) failed (HTTP \(response.status)\(detail.isEmpty ? "" : ", " + detail))"
        switch code {
        case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
            return KMSError(.throttled, provider: .awsKMS, key: key, explained)
        case "IDPCommunicationError", "ServiceUnavailable", "InternalFailure":
            return KMSError(.unavailable, provider: .awsKMS, key: key, explained)
        case "ValidationError", "MalformedPolicyDocument", "PackedPolicyTooLarge":
            return KMSError(.invalidKeyReference, provider: .awsKMS, key: key, explained)
        default:
            if response.status == 429 { return KMSError(.throttled, provider: .awsKMS, key: key, explained) }
            if response.status >= 500 { return KMSError(.unavailable, provider: .awsKMS, key: key, explained) }
            return KMSError(.accessDenied, provider: .awsKMS, key: key, explained)
        }
    }
}
