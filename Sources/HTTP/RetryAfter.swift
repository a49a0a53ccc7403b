#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parsing of the `Retry-After` header value (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// Parses delay-seconds or an HTTP-date; nil when the value is neither.
    public static func parse(_ value: String, relativeTo now: Date) -> Duration? {
        let trimmed = value.trimmingHTTPWhitespace()
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let seconds = Int64(trimmed) else { return .seconds(Int64.max) }
            return .seconds(seconds)
        }
        guard let date = HTTPDate.parse(String(trimmed)) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval <= 0 ? .zero : .seconds(interval.rounded(.up))
    }
}
