#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in microseconds, the clock systemd compares `MONOTONIC_USEC=` against.
enum MonotonicClock {
    static func microseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}

extension Duration {
    /// Whole microseconds, rounded up so a requested timeout is never shortened; negative is zero.
    var wholeMicroseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, !(seconds == 0 && attoseconds <= 0) else { return 0 }
        let micro = UInt64(attoseconds / 1_000_000_000_000) + (attoseconds % 1_000_000_000_000 > 0 ? 1 : 0)
        return UInt64(seconds) * 1_000_000 + micro
    }
}
