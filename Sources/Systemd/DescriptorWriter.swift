import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes whole lines to a file descriptor (standard error by default), one `write` per line under
/// a process-wide lock so concurrent log lines never interleave.
struct DescriptorWriter: Sendable {
    private static let lock = Mutex(())

    let descriptor: Int32

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        Self.lock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
