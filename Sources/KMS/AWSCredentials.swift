#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives

/// AWS credentials: an access key pair, a session token for temporary credentials, and when they
/// expire. `description` shows the access key id and where they came from, never the secret or token.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public let accessKeyID: String
    let secretAccessKey: SecureBytes
    let sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public let expiration: Date?
    /// Where the credentials came from (`environment variables`, `profile "ci" in /root/.aws/credentials`,
    /// `STS AssumeRole arn:aws:iam::…:role/x`, `container credentials endpoint`, `EC2 instance metadata role r`).
    public let source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil,
        source: String = "static credentials")
    {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = SecureBytes(Array(secretAccessKey.utf8))
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
        self.source = source
    }

    init(accessKeyID: String, secretAccessKey: SecureBytes, sessionToken: String?, expiration: Date?, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
        self.source = source
    }

    /// Whether a session token is attached (temporary credentials).
    public var isTemporary: Bool { sessionToken != nil }

    public var description: String { "AWSCredentials(\(accessKeyID), from \(source))" }

    /// Strings that must never appear in messages built from server answers.
    var secrets: [String] {
        var list = [String(decoding: Array(secretAccessKey), as: UTF8.self)]
        if let sessionToken { list.append(sessionToken) }
        return list
    }

    /// A short stable identifier of these credentials for cache keys (access key id and a digest
    /// prefix of the secret), never the secret itself.
    var cacheIdentity: String {
        let digest = (try? Hash.compute(.sha256, Array(secretAccessKey))) ?? []
        return accessKeyID + ":" + lowercaseHex(digest.prefix(8))
    }

    /// The same credentials with another source description.
    func described(as source: String) -> AWSCredentials {
        AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
            expiration: expiration, source: source)
    }
}
