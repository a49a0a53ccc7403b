/// How the emulator's stand-in controllers report an object's status.
public enum Readiness: Sendable, Equatable, CustomStringConvertible {
    /// Status as a healthy controller would write it (rollout complete, pod running, claim bound...).
    case ready
    /// An incomplete rollout, forever.
    case progressing
    /// A failed rollout (Deployment ProgressDeadlineExceeded, Job Failed, Pod Failed).
    case failed
    /// Progressing until this many seconds after the last spec change, then ready.
    case readyAfter(seconds: Double)

    /// The annotation that selects readiness per object.
    public static let annotation = "emulator.stageset-agent.dev/readiness"

    /// Parses `ready`, `progressing`, `failed` or `ready-after=<Go duration>` (e.g. `3s`, `1m30s`, `500ms`).
    public init?(parsing text: String) {
        switch text {
        case "ready": self = .ready
        case "progressing": self = .progressing
        case "failed": self = .failed
        default:
            guard text.hasPrefix("ready-after="), let seconds = GoDuration.seconds(String(text.dropFirst("ready-after=".count))) else {
                return nil
            }
            self = .readyAfter(seconds: seconds)
        }
    }

    public var description: String {
        switch self {
        case .ready: return "ready"
        case .progressing: return "progressing"
        case .failed: return "failed"
        case .readyAfter(let seconds): return "ready-after=\(GoDuration.format(seconds))"
        }
    }
}

/// Go `time.ParseDuration` syntax (ns, us, ms, s, m, h units, concatenated).
enum GoDuration {
    static func seconds(_ text: String) -> Double? {
        var remaining = Substring(text)
        guard !remaining.isEmpty else { return nil }
        if remaining == "0" { return 0 }
        var total = 0.0
        while !remaining.isEmpty {
            let number = remaining.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            remaining = remaining.dropFirst(number.count)
            let unit = remaining.prefix { $0.isLetter || $0 == "µ" }
            remaining = remaining.dropFirst(unit.count)
            switch unit {
            case "ns": total += value / 1e9
            case "us", "µs": total += value / 1e6
            case "ms": total += value / 1e3
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
        }
        return total
    }

    static func format(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds.rounded() == seconds { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }
}
