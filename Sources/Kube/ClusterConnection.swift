#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON

/// Everything needed to talk to one cluster as one user, resolved from a kubeconfig context:
/// server URL, TLS material, proxy, default namespace, and where request credentials come from.
public struct ClusterConnection: Sendable, CustomStringConvertible {
    /// How requests authenticate besides a TLS client certificate (which lives in `tls`).
    public enum Authentication: Sendable, CustomStringConvertible {
        case none
        /// `token`.
        case bearerToken(SecretText)
        /// `tokenFile`: re-read periodically (client-go caches it for about a minute).
        case tokenFile(path: String)
        /// `username`/`password`.
        case basic(username: String, password: SecretText)
        /// An `exec` credential plugin; `clusterInfo` is the `spec.cluster` it receives when
        /// `provideClusterInfo` is set.
        case exec(Kubeconfig.ExecConfiguration, userName: String, kubeconfig: String, clusterInfo: JSONValue?)

        public var description: String {
            switch self {
            case .none: "none"
            case .bearerToken: "token"
            case .tokenFile(let path): "tokenFile \(path)"
            case .basic(let username, _): "basic auth as \(username)"
            case .exec(let configuration, _, _, _): "exec plugin \(configuration.command)"
            }
        }
    }

    /// `as`, `as-groups`, `as-uid`, `as-user-extra`, sent as `Impersonate-*` headers.
    public struct Impersonation: Sendable, Hashable {
        public var user: String
        public var uid: String?
        public var groups: [String]
        public var extra: [String: [String]]

        public init(user: String, uid: String? = nil, groups: [String] = [], extra: [String: [String]] = [:]) {
            self.user = user
            self.uid = uid
            self.groups = groups
            self.extra = extra
        }
    }

    /// The kubeconfig file that defined the context.
    public var kubeconfigPath: String
    public var contextName: String
    public var clusterName: String
    public var userName: String
    /// The API server base URL without a trailing slash (it may carry a path prefix).
    public var server: String
    /// The context's namespace, or `default`.
    public var namespace: String
    public var tls: TLSConfiguration
    /// `proxy-url`; nil uses `HTTPS_PROXY`/`NO_PROXY` from the environment, as client-go does.
    public var proxyURL: URL?
    public var disableCompression: Bool
    public var authentication: Authentication
    public var impersonation: Impersonation?

    /// A connection built by hand (tests, in-cluster configuration); `server` without a trailing slash.
    public init(
        kubeconfigPath: String = "", contextName: String = "", clusterName: String = "", userName: String = "", server: String,
        namespace: String = "default", tls: TLSConfiguration = TLSConfiguration(), proxyURL: URL? = nil, disableCompression: Bool = false,
        authentication: Authentication = .none, impersonation: Impersonation? = nil
    ) {
        self.kubeconfigPath = kubeconfigPath
        self.contextName = contextName
        self.clusterName = clusterName
        self.userName = userName
        self.server = server
        self.namespace = namespace
        self.tls = tls
        self.proxyURL = proxyURL
        self.disableCompression = disableCompression
        self.authentication = authentication
        self.impersonation = impersonation
    }

    public var description: String {
        "context \(contextName) (cluster \(clusterName) at \(server), user \(userName), namespace \(namespace), auth \(authentication)) from \(kubeconfigPath)"
    }

    /// Loads the kubeconfig kubectl would use and resolves `context` (nil: `current-context`).
    public static func load(
        kubeconfig explicitPath: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeError) -> ClusterConnection {
        try Kubeconfig.load(explicitPath: explicitPath, environment: environment).connection(context: context)
    }
}

extension Kubeconfig {
    /// Resolves a context (nil: `current-context`) into a connection, with clientcmd's validation:
    /// referenced cluster and user must exist, the cluster needs a server, file references must be
    /// readable, only one of token and basic auth, client certificate and key together, exec
    /// plugins complete. Errors name the kubeconfig file and the field.
    public func connection(context requested: String? = nil) throws(KubeError) -> ClusterConnection {
        let sources = files.isEmpty ? (missingFiles.isEmpty ? "no kubeconfig file" : missingFiles.joined(separator: ", ") + " (missing)")
            : files.joined(separator: ", ")
        let contextName: String
        if let requested, !requested.isEmpty {
            contextName = requested
        } else if let currentContext {
            contextName = currentContext
        } else {
            if files.isEmpty {
                throw KubeError(.kubeconfig, "no kubeconfig found (looked at \(sources))")
            }
            throw KubeError(.kubeconfig, "kubeconfig \(sources): current-context is not set and no context was given")
        }
        guard let context = contexts[contextName] else {
            if requested == nil || requested?.isEmpty == true {
                throw KubeError(.kubeconfig, "kubeconfig \(currentContextOrigin ?? sources): current-context \"\(contextName)\" names a context that does not exist in \(sources)")
            }
            throw KubeError(.kubeconfig, "kubeconfig \(sources): context \"\(contextName)\" not found")
        }
        let contextField = "contexts[name=\"\(contextName)\"].context"
        guard let clusterName = context.cluster, !clusterName.isEmpty else {
            throw KubeError(.kubeconfig, "kubeconfig \(context.origin): \(contextField).cluster is not set")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeError(.kubeconfig, "kubeconfig \(context.origin): \(contextField).cluster names cluster \"\(clusterName)\", which is not defined in \(sources)")
        }
        var user: User?
        if let userName = context.user, !userName.isEmpty {
            guard let found = users[userName] else {
                throw KubeError(.kubeconfig, "kubeconfig \(context.origin): \(contextField).user names user \"\(userName)\", which is not defined in \(sources)")
            }
            user = found
        }
        let namespace = (context.namespace?.isEmpty == false ? context.namespace : nil) ?? "default"
        if !Self.isDNSLabel(namespace) {
            throw KubeError(.kubeconfig, "kubeconfig \(context.origin): \(contextField).namespace \"\(namespace)\" is not a valid namespace name")
        }

        let clusterField = "kubeconfig \(cluster.origin): clusters[name=\"\(clusterName)\"].cluster"
        var tls = TLSConfiguration(serverName: cluster.tlsServerName.flatMap { $0.isEmpty ? nil : $0 }, insecureSkipVerify: cluster.insecureSkipTLSVerify)
        if cluster.certificateAuthority != nil, cluster.certificateAuthorityData != nil {
            throw KubeError(.kubeconfig, "\(clusterField): certificate-authority-data and certificate-authority are both specified (use one)")
        }
        var authorityPEM: Data?
        if let data = cluster.certificateAuthorityData {
            authorityPEM = try Self.requirePEM(data, field: "\(clusterField).certificate-authority-data")
        } else if let path = cluster.certificateAuthority {
            authorityPEM = try Self.requirePEM(try Self.readFile(path, field: "\(clusterField).certificate-authority"),
                                               field: "\(clusterField).certificate-authority (\(path))")
        }
        if let authorityPEM {
            if cluster.insecureSkipTLSVerify {
                throw KubeError(.kubeconfig, "\(clusterField): insecure-skip-tls-verify cannot be combined with a certificate authority")
            }
            tls.certificateAuthority = .pem(authorityPEM)
        }

        var proxyURL: URL?
        if let proxy = cluster.proxyURL, !proxy.isEmpty {
            guard let url = URL(string: proxy), let scheme = url.scheme?.lowercased(), ["http", "https", "socks5"].contains(scheme),
                  url.host(percentEncoded: false)?.isEmpty == false
            else {
                throw KubeError(.kubeconfig, "\(clusterField).proxy-url is not a valid http, https or socks5 URL")
            }
            proxyURL = url
        }

        var authentication = ClusterConnection.Authentication.none
        var impersonation: ClusterConnection.Impersonation?
        var hasClientCertificate = false
        if let user {
            let userField = "kubeconfig \(user.origin): users[name=\"\(user.name)\"].user"
            if let provider = user.authProvider {
                throw KubeError(.kubeconfig, "\(userField).auth-provider (\(provider)) is not supported: legacy auth providers were removed from kubectl; use an exec credential plugin (for example kubelogin or gke-gcloud-auth-plugin)")
            }
            // Client certificate.
            if user.clientCertificate != nil || user.clientCertificateData != nil {
                if user.clientCertificate != nil, user.clientCertificateData != nil {
                    throw KubeError(.kubeconfig, "\(userField): client-certificate-data and client-certificate are both specified (use one)")
                }
                if user.clientKey != nil, user.clientKeyData != nil {
                    throw KubeError(.kubeconfig, "\(userField): client-key-data and client-key are both specified (use one)")
                }
                let certificate: Data
                if let data = user.clientCertificateData {
                    certificate = try Self.requirePEM(data, field: "\(userField).client-certificate-data")
                } else {
                    let path = user.clientCertificate!
                    certificate = try Self.requirePEM(try Self.readFile(path, field: "\(userField).client-certificate"),
                                                      field: "\(userField).client-certificate (\(path))")
                }
                let key: Data
                if let data = user.clientKeyData {
                    key = try Self.requirePEM(Data(data.value.utf8), field: "\(userField).client-key-data")
                } else if let path = user.clientKey {
                    key = try Self.requirePEM(try Self.readFile(path, field: "\(userField).client-key"), field: "\(userField).client-key (\(path))")
                } else {
                    throw KubeError(.kubeconfig, "\(userField): client-key-data or client-key must be specified to use client-certificate authentication")
                }
                tls.clientCertificate = .pem(certificate)
                tls.clientKey = .pem(key)
                hasClientCertificate = true
            } else if user.clientKey != nil || user.clientKeyData != nil {
                throw KubeError(.kubeconfig, "\(userField): client-key is set without client-certificate")
            }

            // Header credentials: token / tokenFile / basic are mutually exclusive.
            var methods: [String] = []
            if user.token != nil || user.tokenFile != nil { methods.append("token") }
            if user.username != nil || user.password != nil { methods.append("basicAuth") }
            if methods.count > 1 {
                throw KubeError(.kubeconfig, "\(userField): more than one authentication method found (\(methods.joined(separator: ", "))); only one is allowed")
            }
            if let path = user.tokenFile {
                switch KubeconfigLoadingRules.read(path) {
                case .success: break
                case .failure(.missing): throw KubeError(.kubeconfig, "\(userField).tokenFile \(path) does not exist")
                case .failure(.unreadable(let reason)): throw KubeError(.kubeconfig, "\(userField).tokenFile \(path) cannot be read: \(reason)")
                }
                authentication = .tokenFile(path: path)
            } else if let token = user.token {
                authentication = .bearerToken(token)
            } else if user.username != nil || user.password != nil {
                authentication = .basic(username: user.username ?? "", password: user.password ?? SecretText(""))
            }

            if let exec = user.exec {
                try Self.validate(exec, field: "\(userField).exec")
                if case .none = authentication {
                    var clusterInfo: JSONValue?
                    if exec.provideClusterInfo { clusterInfo = Self.execClusterInfo(cluster, authorityPEM: authorityPEM) }
                    authentication = .exec(exec, userName: user.name, kubeconfig: user.origin, clusterInfo: clusterInfo)
                }
            }

            if let impersonate = user.impersonate {
                impersonation = .init(user: impersonate, uid: user.impersonateUID, groups: user.impersonateGroups, extra: user.impersonateUserExtra)
            } else if user.impersonateUID != nil || !user.impersonateGroups.isEmpty || !user.impersonateUserExtra.isEmpty {
                throw KubeError(.kubeconfig, "\(userField): as-uid, as-groups or as-user-extra need as (the user to impersonate)")
            }
        }

        guard let rawServer = cluster.server, !rawServer.isEmpty else {
            throw KubeError(.kubeconfig, "\(clusterField).server is not set (no server found for cluster \"\(clusterName)\")")
        }
        let usesTLS = tls.certificateAuthority != nil || hasClientCertificate || cluster.insecureSkipTLSVerify
        var server = rawServer.contains("://") ? rawServer : (usesTLS ? "https://" : "http://") + rawServer
        while server.hasSuffix("/") { server.removeLast() }
        guard let serverURL = URL(string: server), let scheme = serverURL.scheme?.lowercased(), scheme == "https" || scheme == "http",
              serverURL.host(percentEncoded: false)?.isEmpty == false, serverURL.query == nil
        else {
            throw KubeError(.kubeconfig, "\(clusterField).server \"\(rawServer)\" is not an http or https URL")
        }

        return ClusterConnection(
            kubeconfigPath: context.origin, contextName: contextName, clusterName: clusterName, userName: user?.name ?? "",
            server: server, namespace: namespace, tls: tls, proxyURL: proxyURL, disableCompression: cluster.disableCompression,
            authentication: authentication, impersonation: impersonation)
    }

    private static func validate(_ exec: ExecConfiguration, field: String) throws(KubeError) {
        if exec.command.isEmpty { throw KubeError(.kubeconfig, "\(field).command must be specified to use an exec credential plugin") }
        switch exec.apiVersion {
        case ExecCredentialPlugin.v1, ExecCredentialPlugin.v1beta1: break
        case "": throw KubeError(.kubeconfig, "\(field).apiVersion must be specified to use an exec credential plugin")
        default:
            throw KubeError(.kubeconfig, "\(field).apiVersion \"\(exec.apiVersion)\" is not supported (use \(ExecCredentialPlugin.v1) or \(ExecCredentialPlugin.v1beta1))")
        }
        switch exec.interactiveMode {
        case nil, "":
            if exec.apiVersion == ExecCredentialPlugin.v1 {
                throw KubeError(.kubeconfig, "\(field).interactiveMode must be specified for \(ExecCredentialPlugin.v1) (Never, IfAvailable or Always)")
            }
        case "Never", "IfAvailable", "Always": break
        case let mode?: throw KubeError(.kubeconfig, "\(field).interactiveMode \"\(mode)\" is invalid (Never, IfAvailable or Always)")
        }
    }

    /// The `spec.cluster` object an exec plugin receives with `provideClusterInfo: true`.
    private static func execClusterInfo(_ cluster: Cluster, authorityPEM: Data?) -> JSONValue {
        var info = JSONObject()
        info["server"] = .string(cluster.server ?? "")
        if let name = cluster.tlsServerName, !name.isEmpty { info["tls-server-name"] = .string(name) }
        if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = .bool(true) }
        if let authorityPEM { info["certificate-authority-data"] = .string(authorityPEM.base64EncodedString()) }
        if let proxy = cluster.proxyURL, !proxy.isEmpty { info["proxy-url"] = .string(proxy) }
        if cluster.disableCompression { info["disable-compression"] = .bool(true) }
        if let config = cluster.extensions[ExecCredentialPlugin.clusterExtensionName] { info["config"] = config }
        return .object(info)
    }

    private static func readFile(_ path: String, field: String) throws(KubeError) -> Data {
        switch KubeconfigLoadingRules.read(path) {
        case .success(let bytes): return Data(bytes)
        case .failure(.missing): throw KubeError(.kubeconfig, "\(field): file \(path) does not exist")
        case .failure(.unreadable(let reason)): throw KubeError(.kubeconfig, "\(field): file \(path) cannot be read: \(reason)")
        }
    }

    /// Checks that `data` looks like PEM (never printing it).
    private static func requirePEM(_ data: Data, field: String) throws(KubeError) -> Data {
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN ") else {
            throw KubeError(.kubeconfig, "\(field) does not contain PEM data (-----BEGIN …-----)")
        }
        return data
    }

    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        return alphanumeric(bytes.first!) && alphanumeric(bytes.last!) && bytes.allSatisfy { alphanumeric($0) || $0 == 0x2D }
    }
}
