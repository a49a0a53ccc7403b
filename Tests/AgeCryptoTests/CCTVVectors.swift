import AgeCrypto
import Foundation

/// One C2SP CCTV age test vector: a textual header, a blank line, then the (possibly zlib-compressed) file.
struct CCTVVector: Sendable {
    let name: String
    let expect: String
    let payloadSHA256: String?
    let identities: [String]
    let passphrases: [String]
    let armored: Bool
    let file: [UInt8]

    static let knownKeys: Set<String> = ["expect", "payload", "identity", "passphrase", "armored", "compressed", "comment", "file key"]

    init(name: String, contents: [UInt8]) throws {
        self.name = name
        guard let split = contents.firstRange(of: [0x0a, 0x0a]) else {
            throw ToolFailure(description: "CCTV vector \(name) has no blank line after its header")
        }
        var expect: String?
        var payload: String?
        var identities: [String] = []
        var passphrases: [String] = []
        var armored = false
        var compressed = false
        for line in String(decoding: contents[..<split.lowerBound], as: UTF8.self).split(separator: "\n") {
            guard let separator = line.range(of: ": ") else {
                throw ToolFailure(description: "CCTV vector \(name) has a malformed header line")
            }
            let key = String(line[..<separator.lowerBound])
            let value = String(line[separator.upperBound...])
            guard Self.knownKeys.contains(key) else {
                throw ToolFailure(description: "CCTV vector \(name) has an unknown header key \(key)")
            }
            switch key {
            case "expect": expect = value
            case "payload": payload = value
            case "identity": identities.append(value)
            case "passphrase": passphrases.append(value)
            case "armored": armored = value == "yes"
            case "compressed":
                guard value == "zlib" else { throw ToolFailure(description: "CCTV vector \(name): unknown compression \(value)") }
                compressed = true
            default: break
            }
        }
        guard let expect else { throw ToolFailure(description: "CCTV vector \(name) has no expect line") }
        self.expect = expect
        self.payloadSHA256 = payload
        self.identities = identities
        self.passphrases = passphrases
        self.armored = armored
        let body = Array(contents[split.upperBound...])
        // zlib inflation through Python's zlib module (a real peer; Foundation on Linux has no zlib API).
        self.file = compressed
            ? try runTool("python3", ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))"], input: body)
            : body
    }

    /// The directory holding the vectors: `AGE_CCTV_DIR`, then `<package root>/../shared/testdata/age-cctv`,
    /// then the copy in `Tests/AgeCryptoTests/Fixtures/age-cctv`.
    /// An `AGE_CCTV_DIR` that does not exist is an error (nil), not a reason to fall back silently.
    static func directory() -> URL? {
        let exists = { (url: URL) -> Bool in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if let override = ProcessInfo.processInfo.environment["AGE_CCTV_DIR"], !override.isEmpty {
            let url = URL(fileURLWithPath: override)
            return exists(url) ? url : nil
        }
        let root = packageRoot()
        return [
            root.deletingLastPathComponent().appendingPathComponent("shared/testdata/age-cctv"),
            root.appendingPathComponent("Tests/AgeCryptoTests/Fixtures/age-cctv"),
        ].first(where: exists)
    }

    /// Names of all vector files (everything except the README).
    static func names() -> [String] {
        guard let directory = directory(),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return entries.filter { !$0.hasPrefix("README") && !$0.hasPrefix(".") }.sorted()
    }

    static func load(_ name: String) throws -> CCTVVector {
        guard let directory = directory() else {
            throw ToolFailure(description: "no CCTV age vector directory found (set AGE_CCTV_DIR)")
        }
        let contents = try Data(contentsOf: directory.appendingPathComponent(name))
        return try CCTVVector(name: name, contents: [UInt8](contents))
    }
}

extension AgeError.Code {
    /// The CCTV `expect:` category this error belongs to.
    var cctvExpectation: String {
        switch self {
        case .malformedArmor: "armor failure"
        case .malformedHeader, .unsupportedVersion, .workFactorTooHigh: "header failure"
        case .noMatchingIdentity: "no match"
        case .headerMACMismatch: "HMAC failure"
        case .payloadAuthenticationFailed, .malformedPayload: "payload failure"
        default: "unexpected error \(self)"
        }
    }
}
