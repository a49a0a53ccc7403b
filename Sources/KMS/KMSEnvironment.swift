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

/// The environment variables and files the credential chains read (AWS_*, GOOGLE_*, AZURE_*,
/// VAULT_*, HOME). Passed explicitly so tests and per-Secret configurations never touch the
/// process environment.
public struct KMSEnvironment: Sendable {
    public var variables: [String: String]

    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// The variable's value; `nil` when unset or empty (the SDKs treat both the same).
    public subscript(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether the variable is `true` (any case) or `1`.
    public func isEnabled(_ name: String) -> Bool {
        guard let value = self[name]?.lowercased() else { return false }
        return value == "true" || value == "1"
    }

    /// `$HOME`, else the password database entry of the current user.
    public var homeDirectory: String? {
        if let home = self["HOME"] { return home }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil, let directory = entry.pw_dir else {
            return nil
        }
        let path = String(decoding: UnsafeBufferPointer(start: directory, count: strlen(directory)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.isEmpty ? nil : path
    }

    /// `path` with a leading `~/` replaced by the home directory.
    func expandingHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = homeDirectory else { return path }
        return home + path.dropFirst()
    }

    /// A file under the home directory (`.aws/credentials`), or `nil` without a home directory.
    func homeFile(_ relative: String) -> String? {
        homeDirectory.map { $0.hasSuffix("/") ? $0 + relative : $0 + "/" + relative }
    }
}

/// Reads small credential and configuration files.
enum CredentialFile {
    /// Files larger than this are refused (token files, JSON keys and profiles are a few KiB).
    static let maximumBytes = 1 << 20

    enum Failure: Error {
        case unreadable(String)
        case tooLarge(String)
    }

    /// The file's bytes; `nil` when it does not exist; throws when it exists but cannot be read.
    static func read(_ path: String) throws(Failure) -> [UInt8]? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .unreadable("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .unreadable("\(path) is not a regular file") }
        guard Int(status.st_size) <= maximumBytes else { throw .tooLarge("\(path) is larger than \(maximumBytes) bytes") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable("cannot read \(path)")
        }
        return Array(data)
    }

    /// The file as text with surrounding whitespace removed, for token files.
    static func readTrimmedText(_ path: String) throws(Failure) -> String? {
        guard let bytes = try read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
    }
}

extension CredentialFile.Failure: CustomStringConvertible {
    var description: String {
        switch self {
        case .unreadable(let text), .tooLarge(let text): text
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
