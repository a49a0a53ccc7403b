import Foundation
import SOPS
import Testing
import TestSupport

/// One file of the matrix: a plaintext and the name (extension) that picks its store.
struct MatrixFile: CustomTestStringConvertible, Sendable {
    var name: String
    var plaintext: [UInt8]
    var testDescription: String { name }

    static let all: [MatrixFile] = [
        MatrixFile(name: "secret.yaml", plaintext: Array(Fixtures.kubernetesSecret.utf8)),
        MatrixFile(name: "types.yaml", plaintext: Array(Fixtures.yamlTypes.utf8)),
        MatrixFile(name: "multi.yaml", plaintext: Array(Fixtures.yamlMultiDocument.utf8)),
        MatrixFile(name: "anchors.yml", plaintext: Array(Fixtures.yamlAnchors.utf8)),
        MatrixFile(name: "comments.yaml", plaintext: Array(Fixtures.yamlComments.utf8)),
        MatrixFile(name: "comment-selectors.yaml", plaintext: Array(Fixtures.yamlCommentSelectors.utf8)),
        MatrixFile(name: "comment-layouts.yaml", plaintext: Array(Fixtures.yamlCommentLayouts.utf8)),
        MatrixFile(name: "nested-comments.yaml", plaintext: Array(Fixtures.yamlNestedComments.utf8)),
        MatrixFile(name: "tags.yaml", plaintext: Array(Fixtures.yamlBinaryAndTags.utf8)),
        MatrixFile(name: "crlf.yaml", plaintext: Array(Fixtures.kubernetesSecret.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
        MatrixFile(name: "styles.yaml", plaintext: Array(StyleFixture.yaml.utf8)),
        MatrixFile(name: "types.json", plaintext: Array(Fixtures.json.utf8)),
        MatrixFile(name: "types.env", plaintext: Array(Fixtures.dotenv.utf8)),
        MatrixFile(name: "odd.env", plaintext: Array(Fixtures.dotenvOdd.utf8)),
        MatrixFile(name: "crlf.env", plaintext: Array("A=1\r\nB=two\r\n#c\r\n".utf8)),
        MatrixFile(name: "types.ini", plaintext: Array(Fixtures.ini.utf8)),
        MatrixFile(name: "odd.ini", plaintext: Array(Fixtures.iniOdd.utf8)),
        MatrixFile(name: "crlf.ini", plaintext: Array("[s]\r\na = 1\r\nb = \"q\"\r\n".utf8)),
        MatrixFile(name: "empty-documents.yaml", plaintext: Array("a: 1\n---\n---\n# only comment\n---\nb: 2\n".utf8)),
        MatrixFile(name: "empty.json", plaintext: Array("{}".utf8)),
        MatrixFile(name: "empty.env", plaintext: []),
        MatrixFile(name: "empty.ini", plaintext: []),
        MatrixFile(name: "empty.bin", plaintext: []),
        MatrixFile(name: "random.bin", plaintext: {
            var generator = SeededGenerator(seed: 317)
            return generator.bytes(317)
        }()),
        MatrixFile(name: "text.txt", plaintext: Array("hello\r\nworld\u{0}\n".utf8) + [0xFF, 0xFE]),
    ]
}

/// How the matrix encrypts: sops command-line flags or a `.sops.yaml` creation rule.
struct EncryptionMode: CustomTestStringConvertible, Sendable {
    var label: String
    var arguments: [String] = []
    /// Extra lines of a creation rule (the rule's `age:` line is added by the test).
    var rule: String?
    var testDescription: String { label }

    static let all: [EncryptionMode] = [
        EncryptionMode(label: "default"),
        EncryptionMode(label: "encrypted-regex", arguments: ["--encrypted-regex", "^(data|stringData|password|KEY)$"]),
        EncryptionMode(label: "unencrypted-suffix", arguments: ["--unencrypted-suffix", "_plain"]),
        EncryptionMode(label: "mac-only-encrypted", rule: "mac_only_encrypted: true\n    encrypted_regex: '^(data|stringData|password|KEY)$'"),
        EncryptionMode(label: "encrypted-comment-regex", rule: "encrypted_comment_regex: 'sops:enc'"),
        EncryptionMode(label: "unencrypted-comment-regex", rule: "unencrypted_comment_regex: 'keep-plain'"),
    ]
}

/// Strings and keys that exercise go-yaml's quoting and block-scalar choices.
enum StyleFixture {
    static let values: [String] = [
        "*star", "&amp", "!bang", "%pct", "@at", "`tick", "|pipe", ">gt", "'sq", "\"dq", "#hash", "a#b", "a #b", "a: b", "a:b",
        "-", "- x", "-x", "?", "? x", "?x", ":", ": x", "[a]", "{a}", "a,b", "a]b", "---", "...", "--- x", "... x", "~", "NULL",
        "Null", "nUll", "0o17", "0b101", "0x_1F", "1__0", "+1", "+.5", ".5", ".", "..", "1.", "1e", "e1", "1e+", "0.1.2", "1:20",
        "1:60", "190:20:30", "12:30.5", "2024-1-2", "2024-01-02t03:04:05Z", "2024-01-02 03:04:05", "2024-01-02T03:04:05+0200",
        "2024-13-01", "2024-02-30", "True", "TRUE", "tRue", "Yes", "ON", "oFF", "y", "Y", "n", "N", "<<", "=", "a\tb", " lead",
        "trail ", "in  side", "line1\nline2", "line1 \nline2", "line1\n line2", "\nlead nl", "trail nl\n", "trail nls\n\n",
        "a\r\nb", "a\u{85}b", "a\u{2028}b", "a\u{a0}b", "\u{a0}", "a\u{200b}b", "\u{feff}bom", "é", "日本語", "😀", "\u{1}soh",
        "a\\b", "a\"b", "a'b", "'both\"", String(repeating: "x", count: 200), String(repeating: "word ", count: 50),
    ]
    static let keys: [String] = ["a b", "a:b", "#x", "-x", "? q", "日本", "k\"q", "'k'", "", "1", "1.5", "true", "null",
        String(repeating: "x", count: 130), "multi\nline"]

    /// A JSON string literal is a valid YAML double-quoted scalar.
    private static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0xFEFF {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    static let yaml: String = {
        var lines: [String] = []
        for (index, value) in values.enumerated() { lines.append("k\(index): \(quoted(value))") }
        for (index, key) in keys.enumerated() { lines.append("\(quoted(key)): v\(index)") }
        return lines.joined(separator: "\n") + "\n"
    }()
}

/// Every file of the matrix, in every mode: our decryption equals `sops decrypt` byte for byte.
@Suite("Byte compatibility with sops decrypt")
struct ByteCompatibilityTests {
    @Test("decryption equals sops decrypt", arguments: MatrixFile.all, EncryptionMode.all)
    func decryptionMatchesSops(file: MatrixFile, mode: EncryptionMode) async throws {
        let peer = try SOPSPeer("sops-matrix")
        let config = mode.rule.map { "creation_rules:\n  - age: \(peer.recipient)\n    \($0)\n" }
        let encrypted = try peer.encrypt(file.plaintext, name: file.name, arguments: mode.arguments, config: config)
        let expected = try peer.decryptChecked(encrypted, name: file.name)
        let keys = try DecryptionKeys.fromPaths([peer.keyFile])
        let actual = try await SOPSDecryptor(keys: keys).decrypt(encrypted, format: SOPSFormat.forPath(file.name), fileName: file.name)
        #expect(actual == expected, "\(file.name) [\(mode.label)]: \(firstDifference(expected, actual))")
    }

    /// The same matrix with an OpenPGP master key (a real GnuPG 2.2 key, the file encrypted by the
    /// real sops through gpg): one key per file, every mode, read through the in-process key ring.
    @Test("PGP: decryption equals sops decrypt in every mode", arguments: MatrixFile.all)
    func pgpDecryptionMatchesSops(file: MatrixFile) async throws {
        let peer = try SOPSPeer("sops-pgp-matrix")
        let gpg = try MasterKeyTests.GnuPG(peer.scratch)
        defer { gpg.stop() }
        var keys = DecryptionKeys()
        try keys.addEntry(named: "team.asc", contents: Array(try gpg.exportedSecretKey().utf8), source: "test")
        let (decryptor, problems) = try SOPSDecryptor.forKeys(keys)
        #expect(problems.isEmpty)
        for mode in EncryptionMode.all {
            // A creation rule names the key itself; flags-only modes take it from SOPS_PGP_FP.
            let config = mode.rule.map { "creation_rules:\n  - pgp: \(gpg.fingerprint)\n    \($0)\n" }
            let environment = config == nil ? ["GNUPGHOME": gpg.home, "SOPS_PGP_FP": gpg.fingerprint] : ["GNUPGHOME": gpg.home]
            let encrypted = try peer.encrypt(file.plaintext, name: file.name, arguments: mode.arguments, config: config, environment: environment)
            #expect(encrypted.text.contains(gpg.fingerprint) && !encrypted.text.contains("age1"), "\(file.name) [\(mode.label)] not PGP-only")
            let expected = try peer.decrypt(encrypted, name: file.name, environment: ["GNUPGHOME": gpg.home])
            try #require(expected.status == 0, "sops decrypt \(file.name) [\(mode.label)]: \(expected.error)")
            let actual = try await decryptor.decrypt(encrypted, format: SOPSFormat.forPath(file.name), fileName: file.name)
            #expect(actual == expected.output, "\(file.name) [\(mode.label)]: \(firstDifference(expected.output, actual))")
        }
    }

    /// A file we did not let sops re-emit: the original layout (comments anywhere, flow style,
    /// inline comments) followed by real metadata; both tools must read it the same way.
    @Test("hand-written YAML layouts read like sops", arguments: [
        Fixtures.yamlComments, Fixtures.yamlCommentLayouts, Fixtures.yamlNestedComments, Fixtures.yamlTypes, StyleFixture.yaml,
        Fixtures.yamlAnchors, Fixtures.kubernetesSecret,
    ])
    func handWrittenLayout(plaintext: String) async throws {
        let peer = try SOPSPeer("sops-layout")
        let encrypted = try peer.encrypt(plaintext, name: "layout.yaml", arguments: ["--encrypted-regex", "^nomatch$"])
        let metadata = encrypted.text.components(separatedBy: "\nsops:\n").last!
        let handWritten = Array((plaintext + "\nsops:\n" + metadata).utf8)
        let expected = try peer.decryptChecked(handWritten, name: "layout.yaml")
        let keys = try DecryptionKeys.fromPaths([peer.keyFile])
        let actual = try await SOPSDecryptor(keys: keys).decrypt(handWritten, format: .yaml)
        #expect(actual == expected, "\(firstDifference(expected, actual))")
    }

    @Test("explicit input type overrides the file name")
    func explicitInputType() async throws {
        let peer = try SOPSPeer("sops-type")
        let encrypted = try peer.encrypt(Fixtures.dotenv, name: "settings.env")
        let expected = try peer.decryptChecked(encrypted, name: "settings.env")
        let keys = try DecryptionKeys.fromPaths([peer.keyFile])
        let actual = try await SOPSDecryptor(keys: keys).decrypt(encrypted, format: try #require(SOPSFormat(typeName: "dotenv")))
        #expect(actual == expected)
        #expect(SOPSFormat.forPath("secret.enc.yml") == .yaml)
        #expect(SOPSFormat.forPath("a.json") == .json)
        #expect(SOPSFormat.forPath(".env") == .dotenv)
        #expect(SOPSFormat.forPath("x.ini") == .ini)
        #expect(SOPSFormat.forPath("token") == .binary)
        #expect(SOPSFormat.forPath("values.yaml.bak") == .binary)
    }
}
