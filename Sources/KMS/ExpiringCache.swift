#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Caches values that expire (temporary credentials, access tokens) until `refreshBeforeExpiry`
/// before their expiry; concurrent requests for the same key share one fetch.
actor ExpiringCache<Value: Sendable> {
    private struct Entry {
        var value: Value
        var expiresAt: Date?
    }

    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<Result<(Value, Date?), KMSError>, Never>] = [:]
    private let refreshBeforeExpiry: Duration

    init(refreshBeforeExpiry: Duration) {
        self.refreshBeforeExpiry = refreshBeforeExpiry
    }

    /// The cached value for `key`, or the result of `fetch` (value and expiry; `nil` never expires).
    func value(for key: String, fetch: @escaping @Sendable () async throws(KMSError) -> (Value, Date?)) async throws(KMSError) -> Value {
        if let entry = entries[key], isFresh(entry) { return entry.value }
        if let running = inFlight[key] {
            return try await running.value.get().0
        }
        let task = Task { () -> Result<(Value, Date?), KMSError> in
            do throws(KMSError) {
                return .success(try await fetch())
            } catch {
                return .failure(error)
            }
        }
        inFlight[key] = task
        let result = await task.value
        inFlight[key] = nil
        switch result {
        case .success(let (value, expiresAt)):
            entries[key] = Entry(value: value, expiresAt: expiresAt)
            return value
        case .failure(let error):
            entries[key] = nil
            throw error
        }
    }

    /// Forgets `key` (for example after the service rejected the cached token).
    func remove(_ key: String) {
        entries[key] = nil
    }

    private func isFresh(_ entry: Entry) -> Bool {
        guard let expiresAt = entry.expiresAt else { return true }
        let (seconds, attoseconds) = refreshBeforeExpiry.components
        let margin = Double(seconds) + Double(attoseconds) / 1e18
        return Date().addingTimeInterval(margin) < expiresAt
    }
}
