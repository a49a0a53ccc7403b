import HTTP
import Synchronization

/// The HTTP clients of one cluster connection: one for the kubeconfig's own TLS identity, and one
/// for the client certificate an exec plugin currently hands out (replaced when it rotates).
final class ClusterTransport: Sendable {
    private let baseConfiguration: HTTPClientConfiguration
    private let baseClient: HTTPClient
    private let pluginClient = Mutex<(identity: ClientIdentity, client: HTTPClient)?>(nil)

    init(configuration: HTTPClientConfiguration) throws(KubeError) {
        baseConfiguration = configuration
        do {
            baseClient = try HTTPClient(configuration: configuration)
        } catch {
            throw KubeError(.kubeconfig, "cannot set up the HTTP client: \(error.message)")
        }
    }

    /// The client to use for a request presenting `identity` (nil: the kubeconfig's own).
    func client(for identity: ClientIdentity?) throws(KubeError) -> HTTPClient {
        guard let identity else { return baseClient }
        let result: Result<HTTPClient, KubeError> = pluginClient.withLock { current in
            if let current, current.identity == identity { return .success(current.client) }
            var configuration = baseConfiguration
            configuration.tls.clientCertificate = .pem(identity.certificatePEM)
            configuration.tls.clientKey = .pem(identity.keyPEM)
            do {
                let client = try HTTPClient(configuration: configuration)
                current = (identity, client)
                return .success(client)
            } catch {
                return .failure(KubeError(.credentials, "cannot use the client certificate from the exec plugin: \(error)"))
            }
        }
        return try result.get()
    }
}
