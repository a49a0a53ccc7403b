import Foundation
import TestSupport

/// A throw-away GnuPG home for one test: generates keys with the real `gpg` (2.2 here), exports
/// them armored and encrypts with them. Its gpg-agent is stopped and the directory removed when
/// the value is released.
final class GnuPGHome: @unchecked Sendable {
    /// A generated key: the primary fingerprint and the fingerprints of its subkeys.
    struct Key {
        let primary: String
        let subkeys: [String]
        var encryptionSubkey: String { subkeys.last ?? primary }
        /// The 16-hex-digit key ID of the encryption subkey (the v4 fingerprint's last 8 bytes).
        var encryptionKeyID: String { String(encryptionSubkey.suffix(16)) }
    }

    private let scratch: ScratchDirectory
    var directory: String { scratch.directory }

    init() throws {
        guard findExecutable("gpg") != nil else {
            throw TestFailure("required test peer \"gpg\" is not installed (Debian package: gnupg)")
        }
        scratch = try ScratchDirectory("gnupg")
        chmod(scratch.directory, 0o700)
    }

    deinit {
        // Stops only this home's agent (addressed by its socket in GNUPGHOME).
        _ = try? Shell.runBytes("gpgconf", ["--kill", "all"], environment: ["GNUPGHOME": scratch.directory])
    }

    /// Runs gpg non-interactively in this home and returns its standard output.
    @discardableResult
    func gpg(_ arguments: [String], input: [UInt8]? = nil, passphrase: String = "") throws -> [UInt8] {
        let fixed = ["--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--trust-model", "always"]
        let result = try Shell.runBytes("gpg", fixed + arguments, environment: ["GNUPGHOME": directory], input: input)
        guard result.status == 0 else {
            throw TestFailure(
                "gpg \(arguments.joined(separator: " ")) failed (\(result.status)): \(String(decoding: result.error, as: UTF8.self))")
        }
        return result.output
    }

    /// Generates a primary key (`--quick-gen-key`) and, when `encryptionAlgorithm` is given, an
    /// encryption subkey (`--quick-add-key ... encr`). `primaryAlgorithm` nil means gpg's default key.
    func generateKey(
        _ userID: String, primaryAlgorithm: String?, encryptionAlgorithm: String?, passphrase: String = ""
    ) throws -> Key {
        if let primaryAlgorithm {
            try gpg(["--quick-gen-key", userID, primaryAlgorithm, "default", "never"], passphrase: passphrase)
        } else {
            try gpg(["--quick-gen-key", userID], passphrase: passphrase)
        }
        let primary = try fingerprints(userID)[0]
        if let encryptionAlgorithm {
            try gpg(["--quick-add-key", primary, encryptionAlgorithm, "encr", "never"], passphrase: passphrase)
        }
        let all = try fingerprints(userID)
        return Key(primary: all[0], subkeys: Array(all.dropFirst()))
    }

    /// Fingerprints of the secret key matching `userID`: primary first, then subkeys.
    func fingerprints(_ userID: String) throws -> [String] {
        let listing = String(decoding: try gpg(["--with-colons", "--list-secret-keys", userID]), as: UTF8.self)
        return listing.split(separator: "\n").filter { $0.hasPrefix("fpr:") }.map {
            String($0.split(separator: ":", omittingEmptySubsequences: false)[9])
        }
    }

    /// `gpg --armor --export-secret-keys` of the given keys (all into one armor block).
    func exportSecretKeys(_ fingerprints: [String], passphrase: String = "") throws -> String {
        String(decoding: try gpg(["--armor", "--export-secret-keys"] + fingerprints, passphrase: passphrase), as: UTF8.self)
    }

    /// `gpg --encrypt` of `payload` (from standard input) to the recipients, with extra options.
    func encrypt(_ payload: [UInt8], to recipients: [String], options: [String] = ["--armor"]) throws -> [UInt8] {
        let recipientArguments = recipients.flatMap { ["--recipient", $0] }
        return try gpg(["--encrypt"] + options + recipientArguments + ["--output", "-"], input: payload)
    }

    /// The session key gpg used (`--show-session-key`), as "algorithm:HEX".
    func sessionKey(of message: [UInt8]) throws -> String {
        let fixed = ["--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", "--show-session-key",
            "--decrypt", "--output", "/dev/null"]
        let result = try Shell.runBytes("gpg", fixed, environment: ["GNUPGHOME": directory], input: message)
        let errorText = String(decoding: result.error, as: UTF8.self)
        guard result.status == 0, let line = errorText.split(separator: "\n").first(where: { $0.contains("session key:") }),
              let start = line.firstIndex(of: "'"), let end = line.lastIndex(of: "'"), start < end
        else { throw TestFailure("gpg --show-session-key failed: \(errorText)") }
        return String(line[line.index(after: start)..<end])
    }

    /// Writes a file into the home's directory and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try scratch.write(name, bytes)
    }
}

/// A random payload the size of a SOPS data key.
func randomDataKey(count: Int = 32) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}
