#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: a temporary file in the same directory, written and fsynced, renamed
/// over the target, then the directory fsynced — a reader sees the old or the new file, never
/// a torn one, and the new one survives a power cut once `write` returns.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(StoreError) {
        let directory = parentDirectory(of: path)
        try createDirectory(directory)
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw StoreError.system("cannot create \(temporary)", errno: errno) }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(temporary)
                throw StoreError.system("cannot write \(path)", errno: code)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let code = errno
            unlink(temporary)
            throw StoreError.system("cannot flush \(path) to disk", errno: code)
        }
        close(descriptor)
        closed = true
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw StoreError.system("cannot replace \(path)", errno: code)
        }
        try syncDirectory(directory)
    }

    /// Reads a whole file; `nil` when it does not exist.
    public static func read(_ path: String, limit: Int = 64 << 20) throws(StoreError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw StoreError.system("cannot open \(path)", errno: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError.system("cannot read \(path)", errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit {
                throw StoreError(code: .tooLarge, message: "\(path) is larger than \(limit) bytes")
            }
        }
        return bytes
    }

    /// Removes a file and makes the removal durable; a missing file is fine.
    public static func remove(_ path: String) throws(StoreError) {
        if unlink(path) != 0 && errno != ENOENT {
            throw StoreError.system("cannot remove \(path)", errno: errno)
        }
        try syncDirectory(parentDirectory(of: path))
    }

    public static func createDirectory(_ path: String, mode: mode_t = 0o700) throws(StoreError) {
        var components: [String] = []
        for part in path.split(separator: "/") {
            components.append(String(part))
            let partial = (path.hasPrefix("/") ? "/" : "") + components.joined(separator: "/")
            if mkdir(partial, mode) != 0 && errno != EEXIST {
                throw StoreError.system("cannot create the directory \(partial)", errno: errno)
            }
        }
    }

    static func syncDirectory(_ path: String) throws(StoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.system("cannot open the directory \(path)", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError.system("cannot flush the directory \(path)", errno: errno) }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// A state-directory problem: full disk, permissions, a corrupted record.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case io
        case diskFull
        case corrupted
        case tooLarge
        case locked
        case notFound
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    static func system(_ message: String, errno code: Int32) -> StoreError {
        let reason = String(cString: strerror(code))
        return StoreError(code: code == ENOSPC || code == EDQUOT ? .diskFull : .io, message: "\(message): \(reason)")
    }

    public var description: String { message }
}
