#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP

/// Role credentials from the EC2 instance metadata service, IMDSv2: a session token from
/// `PUT /latest/api/token`, then the role name and its credentials below
/// `/latest/meta-data/iam/security-credentials/`. `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides
/// `http://169.254.169.254` (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` picks `[fd00:ec2::254]`).
struct AWSInstanceMetadataCredentials {
    let session: KMSSession
    let key: String

    var baseURL: String {
        let environment = session.environment
        if let endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] {
            return endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        }
        return environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
            ? "http://[fd00:ec2::254]" : "http://169.254.169.254"
    }

    func fetch() async throws(KMSError) -> AWSCredentials {
        let base = baseURL
        return try await session.awsCredentials.value(for: "imds|" + base) { () async throws(KMSError) -> (AWSCredentials, Date?) in
            let client = try session.metadataClient(.awsKMS, key: key)
            let retry = session.options.retry
            func url(_ path: String) throws(KMSError) -> URL {
                guard let url = URL(string: base + path) else {
                    throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL")
                }
                return url
            }
            let tokenURL = try url("/latest/api/token")
            var probe = ServiceExchange(
                client: client, retry: retry, provider: .awsKMS, key: key, operation: "the EC2 instance metadata service at \(base)")
            probe.retriesConnectionFailures = false
            let token = try await probe.perform { () throws(KMSError) -> HTTPRequest in
                HTTPRequest(method: .put, url: tokenURL, headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"])
            } interpret: { (response) throws(KMSError) -> String in
                guard response.isSuccess else { throw Self.failure(response, "IMDSv2 session token request", key: key) }
                let token = response.bodyText.trimmingWhitespace()
                guard !token.isEmpty, !token.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                    throw KMSError(.invalidResponse, provider: .awsKMS, key: key, "the EC2 instance metadata service returned an unusable session token")
                }
                return token
            }
            let exchange = ServiceExchange(
                client: client, retry: retry, provider: .awsKMS, key: key, operation: "the EC2 instance metadata service at \(base)")
            let rolesURL = try url("/latest/meta-data/iam/security-credentials/")
            let role = try await exchange.perform { () throws(KMSError) -> HTTPRequest in
                HTTPRequest(method: .get, url: rolesURL, headers: ["X-aws-ec2-metadata-token": token])
            } interpret: { (response) throws(KMSError) -> String in
                if response.status == 404 {
                    throw KMSError(.noCredentials, provider: .awsKMS, key: key, "the EC2 instance has no IAM role (instance profile) attached")
                }
                guard response.isSuccess else { throw Self.failure(response, "IAM role lookup", key: key) }
                guard let role = response.bodyText.split(whereSeparator: \.isNewline).first.map({ $0.trimmingWhitespace() }), !role.isEmpty,
                    !role.contains("/")
                else {
                    throw KMSError(.noCredentials, provider: .awsKMS, key: key, "the EC2 instance has no IAM role (instance profile) attached")
                }
                return role
            }
            let credentialsURL = try url("/latest/meta-data/iam/security-credentials/" + PercentEncoding.encode(role))
            let credentials = try await exchange.perform { () throws(KMSError) -> HTTPRequest in
                HTTPRequest(method: .get, url: credentialsURL, headers: ["X-aws-ec2-metadata-token": token])
            } interpret: { (response) throws(KMSError) -> AWSCredentials in
                try AWSCredentialDocument.parse(
                    response, provider: "the EC2 instance metadata service", source: "EC2 instance metadata role \(role)", key: key,
                    redacting: [token])
            }
            return (credentials, credentials.expiration)
        }
    }

    private static func failure(_ response: HTTPResponse, _ what: String, key: String) -> KMSError {
        let message = "\(what) at the EC2 instance metadata service answered HTTP \(response.status)"
        if response.status == 429 { return KMSError(.throttled, provider: .awsKMS, key: key, message) }
        if response.status >= 500 { return KMSError(.unavailable, provider: .awsKMS, key: key, message) }
        return KMSError(.accessDenied, provider: .awsKMS, key: key, message)
    }
}
