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

/// The host's stand-in for Kubernetes Secrets: a Secret named N is the directory
/// `<secrets-dir>/N/` (one file per data entry) and/or the systemd credentials `N.<entry>` in
/// `$CREDENTIALS_DIRECTORY`; a credential replaces a file entry of the same name.
public struct HostSecretStore: Sendable {
    /// Entries larger than this are refused.
    public static let maximumEntryBytes = 1 << 20

    public var secretsDirectory: String
    public var credentialsDirectory: String?

    public init(secretsDirectory: String, credentialsDirectory: String? = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"]) {
        self.secretsDirectory = secretsDirectory
        self.credentialsDirectory = credentialsDirectory.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads every entry of the Secret `name`; fails when it exists nowhere or an entry is unsafe.
    public func secret(named name: String) throws(HostSecretError) -> HostSecret {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw HostSecretError(code: .invalidName, secretName: name, message: "invalid Secret name \"\(name)\"")
        }
        var entries: [String: [UInt8]] = [:]
        var locations: [String] = []
        let directory = join(secretsDirectory, name)
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            locations.append(directory)
            for entry in names.sorted() where !entry.hasPrefix(".") {
                entries[entry] = try readEntry(path: join(directory, entry), secretName: name, checkPermissions: true)
            }
        }
        if let credentialsDirectory, let names = try? FileManager.default.contentsOfDirectory(atPath: credentialsDirectory) {
            let prefix = name + "."
            var found = false
            for credential in names.sorted() where credential.hasPrefix(prefix) && credential.count > prefix.count {
                found = true
                let entry = String(credential.dropFirst(prefix.count))
                entries[entry] = try readEntry(path: join(credentialsDirectory, credential), secretName: name, checkPermissions: false)
            }
            if found { locations.append("credentials \(prefix)*") }
        }
        guard !locations.isEmpty else {
            var message = "Secret \"\(name)\" not found: expected the directory \(directory)"
            if let credentialsDirectory { message += " or credentials \(name).<entry> in \(credentialsDirectory)" }
            throw HostSecretError(code: .notFound, secretName: name, message: message)
        }
        return HostSecret(name: name, entries: entries, locations: locations)
    }

    private func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private func readEntry(path: String, secretName: String, checkPermissions: Bool) throws(HostSecretError) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw HostSecretError(code: .unreadable, secretName: secretName, message: "cannot read \(path)")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw HostSecretError(code: .unreadable, secretName: secretName, message: "\(path) is not a regular file")
        }
        if checkPermissions && (status.st_mode & 0o077) != 0 {
            let mode = String(status.st_mode & 0o777, radix: 8)
            throw HostSecretError(code: .insecurePermissions, secretName: secretName,
                message: "\(path) is accessible by group or others (mode 0\(mode)); run: chmod 600 \(path)")
        }
        guard Int(status.st_size) <= Self.maximumEntryBytes else {
            throw HostSecretError(code: .tooLarge, secretName: secretName, message: "\(path) is larger than \(Self.maximumEntryBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HostSecretError(code: .unreadable, secretName: secretName, message: "cannot read \(path)")
        }
        return Array(data)
    }
}

/// The data entries of one host Secret. Entry values are secret: never log or print them.
public struct HostSecret: Sendable {
    public var name: String
    public var entries: [String: [UInt8]]
    /// Where the entries came from (directory, credentials), for messages.
    public var locations: [String]

    public init(name: String, entries: [String: [UInt8]], locations: [String] = []) {
        self.name = name
        self.entries = entries
        self.locations = locations
    }

    public subscript(entry: String) -> [UInt8]? { entries[entry] }

    /// The entry as UTF-8 text with surrounding whitespace removed.
    public func text(_ entry: String) -> String? {
        guard let bytes = entries[entry] else { return nil }
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }
}

public struct HostSecretError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidName
        case notFound
        case unreadable
        case insecurePermissions
        case tooLarge
    }

    public var code: Code
    public var secretName: String
    public var message: String

    public var description: String { message }
}
