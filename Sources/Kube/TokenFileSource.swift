#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A bearer token read from a kubeconfig `tokenFile` and re-read once it is older than
/// `maximumAge` or after a 401, like client-go's cached file token source (which follows rotating
/// projected service-account tokens). When a re-read fails, the previous token is kept.
final class TokenFileSource: Sendable {
    private struct Cached {
        var token: SecretText
        var readAt: ContinuousClock.Instant
        var generation: UInt64
    }

    let path: String
    private let maximumAge: Duration
    private let state = Mutex<Cached?>(nil)
    private let counter = Mutex<UInt64>(0)

    init(path: String, maximumAge: Duration) {
        self.path = path
        self.maximumAge = maximumAge
    }

    /// The current token and its generation (which changes on every re-read).
    func token() throws(KubeError) -> (SecretText, UInt64) {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0 }), now - cached.readAt < maximumAge {
            return (cached.token, cached.generation)
        }
        switch readToken() {
        case .success(let token):
            let generation = counter.withLock { value -> UInt64 in
                value += 1
                return value
            }
            let fresh = Cached(token: token, readAt: now, generation: generation)
            state.withLock { $0 = fresh }
            return (token, generation)
        case .failure(let error):
            if let cached = state.withLock({ $0 }) { return (cached.token, cached.generation) }
            throw error
        }
    }

    /// Forces a re-read on the next request, unless the token was already re-read since
    /// `generation` was handed out.
    func invalidate(generation: UInt64) {
        state.withLock { cached in
            if let current = cached, current.generation == generation {
                cached = Cached(token: current.token, readAt: current.readAt - maximumAge - .seconds(1), generation: current.generation)
            }
        }
    }

    private func readToken() -> Result<SecretText, KubeError> {
        switch KubeconfigLoadingRules.read(path) {
        case .success(let bytes):
            let token = String(String(decoding: bytes, as: UTF8.self).trimmingWhitespace())
            guard !token.isEmpty else { return .failure(KubeError(.credentials, "tokenFile \(path) is empty")) }
            return .success(SecretText(token))
        case .failure(.missing):
            return .failure(KubeError(.credentials, "tokenFile \(path) does not exist"))
        case .failure(.unreadable(let reason)):
            return .failure(KubeError(.credentials, "tokenFile \(path) cannot be read: \(reason)"))
        }
    }
}
