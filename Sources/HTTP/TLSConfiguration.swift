#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// PEM material given inline or as a file path (kubeconfig `*-data` fields vs. path fields).
public struct PEMSource: Sendable, CustomStringConvertible {
    enum Storage: Sendable {
        case file(String)
        case inline(SecretBytes)
    }
    let storage: Storage

    /// PEM read by curl from `path` when a connection is made.
    public static func file(_ path: String) -> PEMSource { PEMSource(storage: .file(path)) }
    /// PEM bytes held in memory (zeroed when the last copy of the configuration is released).
    public static func pem(_ data: Data) -> PEMSource { PEMSource(storage: .inline(SecretBytes(data))) }

    public var description: String {
        switch storage {
        case .file(let path): "file \(path)"
        case .inline(let bytes): "inline PEM \(bytes)"
        }
    }
}

/// How the client authenticates servers and itself.
public struct TLSConfiguration: Sendable, CustomStringConvertible {
    /// Trusted roots (kubeconfig `certificate-authority[-data]`); nil uses the system store.
    /// When set, it replaces the system store rather than adding to it.
    public var certificateAuthority: PEMSource?
    /// Client certificate chain (kubeconfig `client-certificate[-data]`).
    public var clientCertificate: PEMSource?
    /// Client private key (kubeconfig `client-key[-data]`); never logged, never put into errors.
    public var clientKey: PEMSource?
    /// Name used for SNI and certificate verification instead of the URL's host (kubeconfig
    /// `tls-server-name`); the connection still goes to the URL's host and port.
    public var serverName: String?
    /// Skip server certificate and host name verification (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipVerify: Bool

    public init(
        certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil,
        clientKey: PEMSource? = nil, serverName: String? = nil, insecureSkipVerify: Bool = false
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }

    public var description: String {
        var parts: [String] = []
        parts.append("ca: \(certificateAuthority.map(String.init(describing:)) ?? "system")")
        if let clientCertificate { parts.append("client certificate: \(clientCertificate)") }
        if clientKey != nil { parts.append("client key: <redacted>") }
        if let serverName { parts.append("server name: \(serverName)") }
        if insecureSkipVerify { parts.append("insecure-skip-verify") }
        return "TLSConfiguration(" + parts.joined(separator: ", ") + ")"
    }
}
