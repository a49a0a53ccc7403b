#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON
import Timestamps

/// Credentials from a container credentials endpoint (ECS task roles, EKS Pod Identity):
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (below `http://169.254.170.2`) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or http to a loopback or the ECS/EKS link-local
/// addresses), with the `Authorization` header from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
/// (re-read each time) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
struct AWSContainerCredentials {
    let session: KMSSession
    let key: String

    /// Whether the environment configures a container endpoint.
    static func isConfigured(_ environment: KMSEnvironment) -> Bool {
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != nil || environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != nil
    }

    func fetch() async throws(KMSError) -> AWSCredentials {
        let environment = session.environment
        let url = try endpoint()
        return try await session.awsCredentials.value(for: "container|" + url.absoluteString) { () async throws(KMSError) -> (AWSCredentials, Date?) in
            var token: String?
            if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
                do {
                    token = try CredentialFile.readTrimmedText(file)
                } catch {
                    throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                        "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: \(error)")
                }
                guard token != nil else {
                    throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names \(file), which does not exist")
                }
            } else {
                token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
            }
            if let token, token.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "the container authorization token contains a line break")
            }
            let exchange = ServiceExchange(
                client: try session.metadataClient(.awsKMS, key: key), retry: session.options.retry, provider: .awsKMS, key: key,
                operation: "the container credentials endpoint \(Self.redacted(url))")
            let credentials = try await exchange.perform { () throws(KMSError) -> HTTPRequest in
                var headers: HTTPHeaders = ["Accept": "application/json"]
                if let token { headers.replaceOrAdd(name: "Authorization", value: token) }
                return HTTPRequest(method: .get, url: url, headers: headers)
            } interpret: { (response) throws(KMSError) -> AWSCredentials in
                try AWSCredentialDocument.parse(
                    response, provider: "the container credentials endpoint", source: "container credentials endpoint \(Self.redacted(url))",
                    key: key, redacting: token.map { [$0] } ?? [])
            }
            return (credentials, credentials.expiration)
        }
    }

    private func endpoint() throws(KMSError) -> URL {
        let environment = session.environment
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let url = URL(string: "http://169.254.170.2" + path) else {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a URL path")
            }
            return url
        }
        let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] ?? ""
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host(percentEncoded: false), !host.isEmpty else {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL")
        }
        if scheme == "https" { return url }
        guard scheme == "http", Self.isAllowedPlainHost(host) else {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address, 169.254.170.2 or 169.254.170.23 (got \(Self.redacted(url)))")
        }
        return url
    }

    /// Hosts an http (not https) full URI may name, as the AWS SDKs allow.
    static func isAllowedPlainHost(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if ["localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(name) { return true }
        let octets = name.split(separator: ".")
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func redacted(_ url: URL) -> String {
        var text = "\(url.scheme ?? "http")://\(url.host(percentEncoded: true) ?? "")"
        if let port = url.port { text += ":\(port)" }
        return text + url.path(percentEncoded: true)
    }
}

/// The JSON credential document of the container endpoint and EC2 IMDS
/// (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`, IMDS also `Code`).
enum AWSCredentialDocument {
    static func parse(_ response: HTTPResponse, provider: String, source: String, key: String, redacting secrets: [String]) throws(KMSError)
        -> AWSCredentials
    {
        let json = response.json
        guard response.isSuccess else {
            let detail = ServiceText.excerpt(
                [json?["code"]?.stringValue ?? json?["Code"]?.stringValue, json?["message"]?.stringValue ?? json?["Message"]?.stringValue]
                    .compactMap { $0 }.joined(separator: ": "), redacting: secrets)
            let message = "\(provider) answered HTTP \(response.status)\(detail.isEmpty ? "" : ": " + detail)"
            if response.status == 429 { throw KMSError(.throttled, provider: .awsKMS, key: key, message) }
            if response.status >= 500 { throw KMSError(.unavailable, provider: .awsKMS, key: key, message) }
            throw KMSError(.accessDenied, provider: .awsKMS, key: key, message)
        }
        if let code = json?["Code"]?.stringValue, code != "Success" {
            throw KMSError(.accessDenied, provider: .awsKMS, key: key, "\(provider) reported \(ServiceText.excerpt(code))")
        }
        guard let accessKeyID = json?["AccessKeyId"]?.stringValue, let secret = json?["SecretAccessKey"]?.stringValue,
            !accessKeyID.isEmpty, !secret.isEmpty
        else {
            throw KMSError(.invalidResponse, provider: .awsKMS, key: key, "\(provider) answered without credentials")
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: json?["Token"]?.stringValue,
            expiration: json?["Expiration"]?.stringValue.flatMap { RFC3339.parse($0.trimmingWhitespace()) }, source: source)
    }
}
