#if canImport(Glibc)
import Glibc
#endif

/// An anonymous memory file (memfd) holding a journal entry too large for one datagram, sealed
/// against change before its descriptor is passed to journald, as the native protocol describes.
///
/// `memfd_create` is looked up with `dlsym` because Glibc only declares it for `_GNU_SOURCE`,
/// which Swift's Glibc module does not define; the seal constants are the stable Linux ABI values.
enum SealedMemoryFile {
    private typealias MemoryFileCreate = @convention(c) (UnsafePointer<CChar>?, UInt32) -> Int32
    private static let closeOnExec: UInt32 = 0x0001  // MFD_CLOEXEC
    private static let allowSealing: UInt32 = 0x0002  // MFD_ALLOW_SEALING
    private static let addSeals: Int32 = 1033  // F_ADD_SEALS
    private static let allSeals: Int32 = 0x0001 | 0x0002 | 0x0004 | 0x0008  // SEAL, SHRINK, GROW, WRITE

    /// A descriptor of a sealed memory file with `bytes`, or the errno.
    static func make(_ bytes: [UInt8]) -> Result<Int32, SystemdError> {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create") else {
            return .failure(SystemdError(code: .entryTooLarge, message: "memfd_create is not available"))
        }
        let create = unsafeBitCast(symbol, to: MemoryFileCreate.self)
        let descriptor = create("journal-entry", closeOnExec | allowSealing)
        guard descriptor >= 0 else { return .failure(.system(.entryTooLarge, "cannot create a memory file", errorNumber: errno)) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let failure = errno
                close(descriptor)
                return .failure(.system(.entryTooLarge, "cannot fill a memory file", errorNumber: failure))
            }
            offset += written
        }
        guard fcntl(descriptor, addSeals, allSeals) == 0 else {
            let failure = errno
            close(descriptor)
            return .failure(.system(.entryTooLarge, "cannot seal a memory file", errorNumber: failure))
        }
        return .success(descriptor)
    }
}
