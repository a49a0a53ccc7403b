#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import Synchronization

/// The HTTP clients JaaS fetches share: the agent's client for renderers the system roots
/// trust, and one client per distinct `ca.crt` (a client's TLS trust is fixed when it is made),
/// kept for reuse so keep-alive connections survive between polls.
public final class RendererClients: Sendable {
    private let shared: HTTPClient
    private let byAuthority = Mutex<[[UInt8]: HTTPClient]>([:])

    /// `shared` serves every renderer without its own CA; clients for a `ca.crt` copy its settings.
    public init(shared: HTTPClient) {
        self.shared = shared
    }

    /// Makes its own shared client with the default settings (environment proxies, 64 MiB cap).
    public convenience init() throws(HTTPError) {
        self.init(shared: try HTTPClient(configuration: HTTPClientConfiguration()))
    }

    /// The client for a renderer trusted through `certificateAuthority` (PEM), or the shared one.
    func client(certificateAuthority: [UInt8]?) throws(HTTPError) -> HTTPClient {
        guard let certificateAuthority else { return shared }
        if let existing = byAuthority.withLock({ $0[certificateAuthority] }) { return existing }
        var configuration = shared.configuration
        configuration.tls.certificateAuthority = .pem(Data(certificateAuthority))
        let client = try HTTPClient(configuration: configuration)
        return byAuthority.withLock { clients in
            if let existing = clients[certificateAuthority] { return existing }
            clients[certificateAuthority] = client
            return client
        }
    }
}
