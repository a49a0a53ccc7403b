/// Parses and prints durations in Go's `time.ParseDuration` syntax (`1m30s`, `1.5h`, `300ms`),
/// the syntax of every `interval` and `timeout` in Kubernetes and Flux objects.
public enum GoDuration {
    private static let units: [(String, Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    /// The duration, or `nil` when the text is not a Go duration.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        if rest.isEmpty { return nil }
        var totalNanoseconds: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number) else {
                return nil
            }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            totalNanoseconds += value * unit.1 * 1e9
        }
        guard totalNanoseconds <= Double(Int64.max) else { return nil }
        let nanoseconds = Int64(totalNanoseconds.rounded())
        return .nanoseconds(negative ? -nanoseconds : nanoseconds)
    }

    /// Go's `Duration.String()` form: `1h30m0s`, `5m0s`, `1.5s`, `300ms`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanoseconds == 0 { return "0s" }
        var text = ""
        if nanoseconds < 0 {
            text = "-"
            nanoseconds = -nanoseconds
        }
        if nanoseconds < 1_000_000_000 {
            if nanoseconds < 1_000 { return text + "\(nanoseconds)ns" }
            if nanoseconds < 1_000_000 { return text + trimmed(Double(nanoseconds) / 1e3) + "µs" }
            return text + trimmed(Double(nanoseconds) / 1e6) + "ms"
        }
        let hours = nanoseconds / 3_600_000_000_000
        let minutes = (nanoseconds / 60_000_000_000) % 60
        let fractionalSeconds = Double(nanoseconds % 60_000_000_000) / 1e9
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        return text + trimmed(fractionalSeconds) + "s"
    }

    private static func trimmed(_ value: Double) -> String {
        if value == value.rounded() { return String(Int64(value)) }
        var text = String(value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
