#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 UTC timestamps (`2026-11-29T12:00:00Z`), the form Kubernetes status fields use.
public enum Timestamp {
    public static func now() -> String { format(secondsSinceEpoch: time(nil)) }

    public static func format(secondsSinceEpoch seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        func pad(_ number: Int32, _ width: Int) -> String {
            let text = String(number)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}
