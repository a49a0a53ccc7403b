import Foundation
import YAML
@testable import SOPS
import Testing
import TestSupport

/// Malformed and random input, in bounded fixed-seed loops: every parser answers with a result or a
/// `SOPSError`, never a crash, and the errors do not echo the input's values.
@Suite("Parser robustness")
struct ParserRobustnessTests {
    /// Byte-level mutations of a valid input: flips, deletions, insertions, truncation, duplication.
    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = Array(":-#[]{}\"'\\\n\r\t =;|>&*!%@`,ENC".utf8) + [0, 0xFF, 0xC3, 0xE2]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: bytes[position] = interesting.randomElement(using: &generator)!
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
            case 3: bytes = Array(bytes[..<position])
            case 4: bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return bytes
    }

    /// Parses with every store; any outcome but a crash is fine, errors must be SOPSError values.
    static func exercise(_ bytes: [UInt8]) {
        for format in SOPSFormat.allCases {
            do {
                let file = try SOPSFile(bytes: bytes, format: format)
                _ = try? SOPSFile.emit(file.branches, format: format)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test("mutated encrypted files of every store: errors, never crashes", arguments: ["secret.yaml", "types.json", "types.env", "types.ini", "blob.bin"])
    func mutatedEncryptedFiles(name: String) async throws {
        let peer = try SOPSPeer("sops-fuzz")
        let plaintext: String
        switch SOPSFormat.forPath(name) {
        case .yaml: plaintext = Fixtures.yamlComments
        case .json: plaintext = Fixtures.json
        case .dotenv: plaintext = Fixtures.dotenv
        case .ini: plaintext = Fixtures.ini
        case .binary: plaintext = "payload"
        }
        let encrypted = try peer.encrypt(plaintext, name: name)
        let decryptor = SOPSDecryptor(keys: try DecryptionKeys.fromPaths([peer.keyFile]))
        var generator = SeededGenerator(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        for _ in 0..<60 {
            let mutated = Self.mutate(encrypted, using: &generator)
            Self.exercise(mutated)
            do {
                _ = try await decryptor.decrypt(mutated, format: SOPSFormat.forPath(name), mac: .verify)
            } catch {
                #expect(!error.description.contains("AGE-SECRET-KEY"))
            }
        }
    }

    @Test("flattened metadata whose keys disagree on a node's kind is refused, naming the key")
    func conflictingFlattenedKeys() {
        let cases: [[(key: String, value: String)]] = [
            [("sops", "leaf"), ("sops__map_version", "3.9.0")],
            [("sops__map_age__list_0__map_recipient", "age1x"), ("sops__map_age__map_recipient", "age1y")],
            [("sops__map_age__map_recipient", "age1x"), ("sops__map_age__list_0__map_enc", "x")],
            [("sops__map_age__list_0", "leaf"), ("sops__map_age__list_0__map_enc", "x")],
        ]
        for entries in cases {
            #expect(throws: SOPSError.self, "\(entries)") { try FlattenedMetadata.unflatten(entries) }
            do {
                _ = try FlattenedMetadata.unflatten(entries)
            } catch {
                #expect(error.message.contains("conflicts with another metadata entry"), "\(error.message)")
            }
        }
        #expect((try? FlattenedMetadata.unflatten([("sops__map_age__list_0__map_recipient", "age1x"), ("sops__map_age__list_0__map_enc", "e")])) != nil)
    }

    @Test("random bytes and random text for every store")
    func randomInput() {
        var generator = SeededGenerator(seed: 20261129)
        let alphabet = Array("abc:-# \n\t[]{}\"'=;|>ENC[AES256_GCM,data:iv:tag:type:str]sops_mac=\r".utf8)
        for round in 0..<300 {
            let length = Int.random(in: 0...300, using: &generator)
            let bytes = round % 2 == 0
                ? generator.bytes(length)
                : (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            Self.exercise(bytes)
            _ = try? EncryptedValue.parse(bytes)
            _ = try? ValueCipher.typed(bytes, type: ["str", "int", "float", "bool", "time", "comment", "bytes"][round % 7])
            _ = GoNumberText.parseFloat(String(decoding: bytes, as: UTF8.self))
            _ = YAMLTimestamp.parseRFC3339(String(decoding: bytes, as: UTF8.self))
            _ = YAMLTimestamp.parseYAML(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test("random ENC[] strings around the format")
    func encryptedValueFuzz() {
        var generator = SeededGenerator(seed: 42)
        let pieces = ["ENC[", "AES256_GCM,", "data:", "iv:", "tag:", "type:", "str", "]", ",", "AAAA", "==", "\n", ":", "[", "x"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            _ = try? EncryptedValue.parse(Array(("ENC[AES256_GCM,data:" + text).utf8))
            _ = try? EncryptedValue.parse(Array(text.utf8))
        }
    }

    @Test("random flattened metadata keys")
    func flattenedFuzz() {
        var generator = SeededGenerator(seed: 7)
        let pieces = ["age", "__list_", "__map_", "0", "1", "-1", "99", "enc", "recipient", "x", "", "key_groups", "lastmodified"]
        for _ in 0..<500 {
            var entries: [(key: String, value: String)] = []
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let key = (0..<Int.random(in: 1...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                entries.append((key, "v\\nw"))
            }
            if let value = try? FlattenedMetadata.unflatten(entries) {
                _ = try? MetadataDecoder(flavor: .flattened).decode(value)
            }
        }
    }

    @Test("malformed metadata is reported with its path", arguments: [
        ("sops:\n    lastmodified: yesterday\n    mac: x\n    age:\n        - recipient: a\n          enc: b\n", "lastmodified"),
        ("sops:\n    lastmodified: \"2026-11-29T11:22:30Z\"\n    mac: x\n", "no keys found"),
        ("sops:\n    lastmodified: \"2026-11-29T11:22:30Z\"\n    encrypted_regex: a\n    unencrypted_suffix: b\n    age:\n        - recipient: a\n          enc: b\n", "more than one"),
        ("sops:\n    lastmodified: \"2026-11-29T11:22:30Z\"\n    shamir_threshold: two\n    age:\n        - recipient: a\n          enc: b\n", "shamir_threshold"),
        ("sops:\n    lastmodified: \"2026-11-29T11:22:30Z\"\n    pgp:\n        - fp: F\n          created_at: soon\n          enc: b\n", "created_at"),
        ("sops:\n    lastmodified: \"2026-11-29T11:22:30Z\"\n    age: notalist\n", "expected a list"),
        ("a: 1\na: 2\nsops:\n    lastmodified: x\n", "already defined"),
        ("- a\n", "not a mapping"),
    ])
    func malformedMetadata(text: String, expected: String) {
        let error = #expect(throws: SOPSError.self) { try SOPSFile(bytes: Array(text.utf8), format: .yaml) }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
    }

    @Test("an unencrypted value where sops expects ciphertext is an error, not a crash")
    func plainValueUnderEncryptedPath() async throws {
        let peer = try SOPSPeer("sops-fuzz")
        let encrypted = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", arguments: ["--encrypted-regex", "^(data|stringData)$"])
        let lines = encrypted.text.components(separatedBy: "\n").map { $0.hasPrefix("    username: ") ? "    username: 12345" : $0 }
        let decryptor = SOPSDecryptor(keys: try DecryptionKeys.fromPaths([peer.keyFile]))
        let error = await #expect(throws: SOPSError.self) {
            try await decryptor.decrypt(Array(lines.joined(separator: "\n").utf8), format: .yaml, mac: .ignore)
        }
        #expect(error?.code == .valueDecryptionFailed)
        #expect(error?.description.contains("12345") == false)
    }
}
