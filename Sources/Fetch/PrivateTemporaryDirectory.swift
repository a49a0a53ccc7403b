#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A directory only the agent can read (0700), preferably on tmpfs, for short-lived secret files
/// (SSH identities, kustomize inputs); removed by `remove()`.
public struct PrivateTemporaryDirectory: Sendable {
    public let path: String

    /// Where private scratch space lives: `$RUNTIME_DIRECTORY` (systemd), `/run/stageset-agent`,
    /// `/dev/shm`, then `$TMPDIR` — tmpfs first, so secrets never reach a persistent disk.
    public static func defaultParent() -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let runtime = environment["RUNTIME_DIRECTORY"], !runtime.isEmpty {
            candidates.append(String(runtime.split(separator: ":").first ?? Substring(runtime)))
        }
        candidates += ["/run/stageset-agent", "/dev/shm", environment["TMPDIR"] ?? "/tmp"]
        for candidate in candidates where access(candidate, W_OK | X_OK) == 0 {
            return candidate
        }
        return "/tmp"
    }

    public init(parent: String = PrivateTemporaryDirectory.defaultParent(), prefix: String = "stageset-agent") throws(SourceError) {
        var template = Array((parent.hasSuffix("/") ? parent : parent + "/").utf8CString.dropLast()) + Array("\(prefix).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            mkdtemp(buffer.baseAddress!) != nil
        }
        guard created else {
            throw SourceError(code: .other, source: parent, message: "cannot create a private temporary directory under \(parent)")
        }
        path = String(cString: Array(template))
        chmod(path, 0o700)
    }

    /// Writes a file readable only by the agent (0600); fails if it already exists.
    public func write(_ name: String, _ bytes: [UInt8]) throws(SourceError) -> String {
        let filePath = path + "/" + name
        if let slash = name.lastIndex(of: "/") {
            _ = try? FileManager.default.createDirectory(
                atPath: path + "/" + name[..<slash], withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(filePath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SourceError(code: .other, source: filePath, message: "cannot create \(filePath)")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                throw SourceError(code: .other, source: filePath, message: "cannot write \(filePath)")
            }
            offset += written
        }
        return filePath
    }

    /// Overwrites regular files with zeros, then deletes the whole tree.
    public func remove() {
        if let relatives = try? FileManager.default.subpathsOfDirectory(atPath: path) {
            for relative in relatives {
                let filePath = path + "/" + relative
                var status = stat()
                if lstat(filePath, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
                    let descriptor = open(filePath, O_WRONLY | O_CLOEXEC)
                    if descriptor >= 0 {
                        let zeros = [UInt8](repeating: 0, count: Int(status.st_size))
                        _ = zeros.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                        close(descriptor)
                    }
                }
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
