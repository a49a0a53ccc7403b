#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSON

/// A kubeconfig as kubectl (client-go `clientcmd`) sees it: named clusters, users and contexts plus
/// `current-context`, possibly merged from several files. Every entry remembers the file it came
/// from; relative file references are already resolved against that file's directory.
public struct Kubeconfig: Sendable {
    /// One `clusters[]` entry.
    public struct Cluster: Sendable {
        public var name: String
        /// The kubeconfig file that defined it.
        public var origin: String
        public var server: String?
        /// Absolute path of `certificate-authority`.
        public var certificateAuthority: String?
        /// Decoded `certificate-authority-data` (PEM).
        public var certificateAuthorityData: Data?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
        public var proxyURL: String?
        public var disableCompression: Bool
        /// `extensions[]` by name (the `client.authentication.k8s.io/exec` one goes to exec plugins).
        public var extensions: [String: JSONValue]
    }

    /// One `users[]` entry (client-go `AuthInfo`). Credentials are `SecretText` and never print.
    public struct User: Sendable {
        public var name: String
        public var origin: String
        /// Absolute path of `client-certificate`.
        public var clientCertificate: String?
        public var clientCertificateData: Data?
        /// Absolute path of `client-key`.
        public var clientKey: String?
        public var clientKeyData: SecretText?
        public var token: SecretText?
        /// Absolute path of `tokenFile`.
        public var tokenFile: String?
        public var username: String?
        public var password: SecretText?
        public var exec: ExecConfiguration?
        /// Name of a legacy `auth-provider` (unsupported; using it is an error).
        public var authProvider: String?
        /// `as`, `as-uid`, `as-groups`, `as-user-extra`.
        public var impersonate: String?
        public var impersonateUID: String?
        public var impersonateGroups: [String]
        public var impersonateUserExtra: [String: [String]]
    }

    /// One `contexts[]` entry.
    public struct Context: Sendable {
        public var name: String
        public var origin: String
        public var cluster: String?
        public var user: String?
        public var namespace: String?
    }

    /// A user's `exec` credential plugin (client.authentication.k8s.io v1 or v1beta1).
    public struct ExecConfiguration: Sendable {
        /// A bare name looked up in `PATH`, or an absolute path (a relative path containing `/` is
        /// resolved against the kubeconfig's directory).
        public var command: String
        public var arguments: [String]
        public var environment: [(name: String, value: String)]
        public var apiVersion: String
        public var installHint: String?
        public var provideClusterInfo: Bool
        /// `Never`, `IfAvailable` or `Always` (v1 requires it; v1beta1 defaults to `IfAvailable`).
        public var interactiveMode: String?
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The file whose `current-context` won.
    public var currentContextOrigin: String?
    /// The files that were read, in precedence order (missing ones excluded).
    public var files: [String] = []
    /// Files of the precedence list that did not exist.
    public var missingFiles: [String] = []

    public init() {}

    /// Merges `other` (a later file) into this configuration the way clientcmd does: the first
    /// definition of each named cluster, user and context wins as a whole, and the first non-empty
    /// `current-context` wins.
    public mutating func merge(laterFile other: Kubeconfig) {
        for (name, cluster) in other.clusters where clusters[name] == nil { clusters[name] = cluster }
        for (name, user) in other.users where users[name] == nil { users[name] = user }
        for (name, context) in other.contexts where contexts[name] == nil { contexts[name] = context }
        if currentContext == nil, let current = other.currentContext {
            currentContext = current
            currentContextOrigin = other.currentContextOrigin
        }
        files += other.files
    }
}
