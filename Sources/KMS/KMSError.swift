/// A failure to unwrap a data key with a cloud KMS or Vault: names the provider, the key and the
/// cause, never a credential, token, secret key or plaintext.
public struct KMSError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, for callers that branch on it.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// No credential source is configured (the message lists the sources that were tried).
        case noCredentials
        /// A credential source is configured but unusable (unreadable token file, malformed profile,
        /// invalid credentials JSON).
        case invalidCredentials
        /// The service (or its token endpoint) refused the credentials or the caller lacks permission.
        case accessDenied
        /// The key (or the Vault transit mount / key name) does not exist.
        case keyNotFound
        /// The key exists but cannot be used (disabled, pending deletion, wrong key usage).
        case keyUnusable
        /// The ciphertext does not decrypt with this key: wrong encryption context, another key, or damage.
        case invalidCiphertext
        /// The service throttled the requests (transient).
        case throttled
        /// The service or the network failed (5xx, connection refused, timeout; transient).
        case unavailable
        /// The key reference itself is unusable (malformed ARN, resource id, URL, or not allowed).
        case invalidKeyReference
        /// The service answered something this client does not understand.
        case invalidResponse

        public var description: String { rawValue }
    }

    /// The service a key belongs to.
    public enum Provider: String, Sendable, Hashable, CustomStringConvertible {
        case awsKMS = "AWS KMS"
        case gcpKMS = "GCP Cloud KMS"
        case azureKeyVault = "Azure Key Vault"
        case vaultTransit = "Vault transit"

        public var description: String { rawValue }
    }

    public var code: Code
    public var provider: Provider
    /// The key as the file names it (ARN, resource id, vault URL + key name, Vault address + path).
    public var key: String
    /// What happened, for an operator; never secret material.
    public var message: String
    /// Whether the failure was transient (throttling, 5xx, network) and retries were exhausted.
    public var isTransient: Bool
    /// How many attempts were made, when retries were involved.
    public var attempts: Int

    public init(_ code: Code, provider: Provider, key: String, _ message: String, isTransient: Bool = false, attempts: Int = 1) {
        self.code = code
        self.provider = provider
        self.key = key
        self.message = message
        self.isTransient = isTransient
        self.attempts = attempts
    }

    public var description: String {
        var text = "\(provider) key \(key): \(message)"
        if isTransient {
            text += " (transient failure, gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"))"
        }
        return text
    }

    /// The same error attributed to `key` when it had none yet (credential errors are raised before
    /// the key is known to the credential provider).
    func forKey(_ key: String) -> KMSError {
        var copy = self
        if copy.key.isEmpty { copy.key = key }
        return copy
    }
}
