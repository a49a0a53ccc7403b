#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The credential one request carries: an `Authorization` value and/or a client identity, plus
/// what to invalidate when the server answers 401.
struct RequestCredential: Sendable {
    enum Refresh: Sendable {
        case none
        case tokenFile(UInt64)
        case exec(UInt64)
    }

    var authorization: SecretText?
    var clientIdentity: ClientIdentity?
    var refresh: Refresh

    var isRefreshable: Bool {
        if case .none = refresh { return false }
        return true
    }
}

/// Turns a connection's `Authentication` into per-request credentials.
final class CredentialProvider: Sendable {
    private enum Source: Sendable {
        case none
        case fixed(SecretText)
        case tokenFile(TokenFileSource)
        case exec(ExecCredentialPlugin)
    }

    private let source: Source

    init(_ authentication: ClusterConnection.Authentication, tokenFileMaximumAge: Duration, execTimeout: Duration) {
        switch authentication {
        case .none:
            source = .none
        case .bearerToken(let token):
            source = .fixed(SecretText("Bearer \(token.value)"))
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password.value)".utf8).base64EncodedString()
            source = .fixed(SecretText("Basic \(encoded)"))
        case .tokenFile(let path):
            source = .tokenFile(TokenFileSource(path: path, maximumAge: tokenFileMaximumAge))
        case .exec(let configuration, let userName, let kubeconfig, let clusterInfo):
            source = .exec(ExecCredentialPlugin(
                configuration: configuration, userName: userName, kubeconfig: kubeconfig, clusterInfo: clusterInfo, timeout: execTimeout))
        }
    }

    func current() async throws(KubeError) -> RequestCredential {
        switch source {
        case .none:
            return RequestCredential(authorization: nil, clientIdentity: nil, refresh: .none)
        case .fixed(let value):
            return RequestCredential(authorization: value, clientIdentity: nil, refresh: .none)
        case .tokenFile(let file):
            let (token, generation) = try file.token()
            return RequestCredential(authorization: SecretText("Bearer \(token.value)"), clientIdentity: nil, refresh: .tokenFile(generation))
        case .exec(let plugin):
            let credential = try await plugin.credential()
            return RequestCredential(
                authorization: credential.token.map { SecretText("Bearer \($0.value)") }, clientIdentity: credential.clientIdentity,
                refresh: .exec(credential.generation))
        }
    }

    /// After a 401: make the next `current()` fetch fresh credentials (unless already refreshed).
    func invalidate(_ credential: RequestCredential) async {
        switch (source, credential.refresh) {
        case (.tokenFile(let file), .tokenFile(let generation)):
            file.invalidate(generation: generation)
        case (.exec(let plugin), .exec(let generation)):
            await plugin.invalidate(generation: generation)
        default:
            break
        }
    }

    /// How often the exec plugin ran (0 for other sources).
    func execRunCount() async -> Int {
        if case .exec(let plugin) = source { return await plugin.runCount }
        return 0
    }
}
