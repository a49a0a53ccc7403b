/// A per-request time limit: the client's default, none at all, or an explicit duration.
public struct HTTPTimeout: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case clientDefault
        case unlimited
        case after(Duration)
    }
    private let kind: Kind

    /// Use the value from `HTTPClientConfiguration`.
    public static let clientDefault = HTTPTimeout(kind: .clientDefault)
    /// No limit (for example a watch stream that is expected to stay open).
    public static let unlimited = HTTPTimeout(kind: .unlimited)
    /// Give up after `duration`.
    public static func after(_ duration: Duration) -> HTTPTimeout { HTTPTimeout(kind: .after(duration)) }

    /// The effective limit given the client's default; nil means unlimited.
    func resolved(default fallback: Duration?) -> Duration? {
        switch kind {
        case .clientDefault: fallback
        case .unlimited: nil
        case .after(let duration): duration
        }
    }

    public var description: String {
        switch kind {
        case .clientDefault: "clientDefault"
        case .unlimited: "unlimited"
        case .after(let duration): "\(duration)"
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive duration never becomes "no limit".
    var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let fromAttoseconds = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return seconds * 1000 + fromAttoseconds
    }
}
