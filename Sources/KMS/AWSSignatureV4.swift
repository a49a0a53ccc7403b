#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import Timestamps

/// AWS Signature Version 4 (header-based, `AWS4-HMAC-SHA256`) over CryptoPrimitives' HMAC-SHA256
/// and SHA-256, as the AWS SDKs sign KMS and STS requests.
public enum AWSSignatureV4 {
    /// The headers to send: `headers` plus `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (temporary
    /// credentials) and `Authorization`. Every header passed in is signed, so pass only headers that
    /// reach the server unchanged.
    public static func sign(
        method: String, url: URL, headers: [(String, String)], body: [UInt8], credentials: AWSCredentials,
        region: String, service: String, date: Date
    ) throws(CryptoError) -> [(String, String)] {
        let (timestamp, day) = Self.stamps(date)
        var all = headers.filter { !["host", "x-amz-date", "x-amz-security-token", "authorization"].contains($0.0.lowercased()) }
        all.insert(("Host", hostHeader(url)), at: 0)
        all.append(("X-Amz-Date", timestamp))
        if let token = credentials.sessionToken { all.append(("X-Amz-Security-Token", token)) }

        var canonicalHeaders: [String: [String]] = [:]
        for (name, value) in all {
            canonicalHeaders[name.lowercased(), default: []].append(canonicalHeaderValue(value))
        }
        let signedNames = canonicalHeaders.keys.sorted()
        let signedHeaders = signedNames.joined(separator: ";")
        let canonicalRequest = [
            method.uppercased(),
            canonicalPath(url),
            canonicalQuery(url),
            signedNames.map { "\($0):\(canonicalHeaders[$0]!.joined(separator: ","))\n" }.joined(),
            signedHeaders,
            lowercaseHex(try Hash.compute(.sha256, body)),
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope)\n" + lowercaseHex(try Hash.compute(.sha256, Array(canonicalRequest.utf8)))

        var secret = SecureBytes(Array("AWS4".utf8))
        secret.append(contentsOf: credentials.secretAccessKey)
        var signingKey = SecureBytes(try HMAC.compute(.sha256, key: secret, message: Array(day.utf8)))
        for part in [region, service, "aws4_request"] {
            signingKey = SecureBytes(try HMAC.compute(.sha256, key: signingKey, message: Array(part.utf8)))
        }
        let signature = lowercaseHex(try HMAC.compute(.sha256, key: signingKey, message: Array(stringToSign.utf8)))
        all.append(("Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return all
    }

    /// `host` or `host:port` when the port is not the scheme's default (what curl and botocore send).
    static func hostHeader(_ url: URL) -> String {
        var host = (url.host(percentEncoded: false) ?? "").lowercased()
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        let scheme = url.scheme?.lowercased() ?? "https"
        if let port = url.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            return "\(host):\(port)"
        }
        return host
    }

    /// Trimmed, with runs of spaces collapsed to one.
    private static func canonicalHeaderValue(_ value: String) -> String {
        var result = ""
        var previousSpace = false
        for character in value.trimmingWhitespace() {
            if character == " " || character == "\t" {
                if !previousSpace { result.append(" ") }
                previousSpace = true
            } else {
                result.append(character)
                previousSpace = false
            }
        }
        return result
    }

    /// The path, each segment percent-encoded again (every service but S3 double-encodes).
    private static func canonicalPath(_ url: URL) -> String {
        let path = url.path(percentEncoded: true)
        guard !path.isEmpty else { return "/" }
        return PercentEncoding.encode(path, keepingSlashes: true)
    }

    /// Query parameters sorted by encoded name, then value.
    private static func canonicalQuery(_ url: URL) -> String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let items = components.queryItems, !items.isEmpty else {
            return ""
        }
        let pairs: [(name: String, value: String)] = items.map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value ?? "")) }
        let sorted = pairs.sorted { (left, right) -> Bool in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC (`X-Amz-Date`) and `YYYYMMDD` (the credential scope date).
    static func stamps(_ date: Date) -> (timestamp: String, day: String) {
        let iso = RFC3339.format(secondsSinceEpoch: Int(date.timeIntervalSince1970.rounded(.down)))
        let compact = iso.filter { $0 != "-" && $0 != ":" }
        return (compact, String(compact.prefix(8)))
    }
}
