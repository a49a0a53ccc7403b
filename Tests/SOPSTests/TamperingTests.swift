import Foundation
import SOPS
import Testing
import TestSupport

/// Changed values, MACs and keys are refused with the right error, as `sops decrypt` refuses them;
/// errors never carry plaintext, key material or MAC values.
@Suite("Tampering and wrong keys")
struct TamperingTests {
    let secrets = ["cGFzc3dvcmQ=", "admin", "abc", "key: value"]

    func encrypted(_ peer: SOPSPeer, arguments: [String] = ["--encrypted-regex", "^(data|stringData)$"]) throws -> String {
        try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", arguments: arguments).text
    }

    func decrypt(_ text: String, _ peer: SOPSPeer, mac: SOPSDecryptor.MACPolicy = .verify) async throws -> [UInt8] {
        let keys = try DecryptionKeys.fromPaths([peer.keyFile])
        return try await SOPSDecryptor(keys: keys).decrypt(Array(text.utf8), format: .yaml, mac: mac, fileName: "secret.yaml")
    }

    func expectClean(_ error: SOPSError?, _ peer: SOPSPeer) throws {
        let message = error?.description ?? ""
        for secret in secrets { #expect(!message.contains(secret), "error leaks a value: \(message)") }
        #expect(!message.contains("AGE-SECRET-KEY"))
        #expect(!message.contains("ENC["))
        // No 128-hex-digit MAC in the message.
        #expect(message.range(of: "[0-9A-F]{32}", options: .regularExpression) == nil, "error shows a MAC: \(message)")
    }

    @Test("a changed plain value breaks the MAC; ignoring the MAC still decrypts")
    func changedPlainValue() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let tampered = try encrypted(peer).replacingOccurrences(of: "name: my-secret", with: "name: other-secret")
        let error = await #expect(throws: SOPSError.self) { try await decrypt(tampered, peer) }
        #expect(error?.code == .macMismatch)
        try expectClean(error, peer)
        #expect(try peer.decrypt(Array(tampered.utf8), name: "secret.yaml").status == 51)
        let ignored = try await decrypt(tampered, peer, mac: .ignore)
        #expect(ignored.text.contains("name: other-secret"))
    }

    @Test("a removed key breaks the MAC")
    func removedKey() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let lines = try encrypted(peer).components(separatedBy: "\n").filter { !$0.hasPrefix("    username:") }
        let tampered = lines.joined(separator: "\n")
        let error = await #expect(throws: SOPSError.self) { try await decrypt(tampered, peer) }
        #expect(error?.code == .macMismatch)
        #expect(try peer.decrypt(Array(tampered.utf8), name: "secret.yaml").status == 51)
    }

    @Test("a value moved to another key does not decrypt (its key path is authenticated)")
    func movedValue() async throws {
        let peer = try SOPSPeer("sops-tamper")
        var lines = try encrypted(peer).components(separatedBy: "\n")
        let user = try #require(lines.firstIndex(where: { $0.hasPrefix("    username: ENC[") }))
        let token = try #require(lines.firstIndex(where: { $0.hasPrefix("    token: ENC[") }))
        let userValue = lines[user].dropFirst("    username: ".count)
        let tokenValue = lines[token].dropFirst("    token: ".count)
        lines[user] = "    username: " + tokenValue
        lines[token] = "    token: " + userValue
        let tampered = lines.joined(separator: "\n")
        let error = await #expect(throws: SOPSError.self) { try await decrypt(tampered, peer, mac: .ignore) }
        #expect(error?.code == .valueDecryptionFailed)
        #expect(error?.path == ["stringData", "username"])
        try expectClean(error, peer)
        #expect(try peer.decrypt(Array(tampered.utf8), name: "secret.yaml").status != 0)
    }

    @Test("a changed stored MAC is refused")
    func changedMAC() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let text = try encrypted(peer)
        let start = try #require(text.range(of: "mac: ENC[AES256_GCM,data:"))
        var characters = Array(text)
        let position = text.distance(from: text.startIndex, to: start.upperBound) + 5
        characters[position] = characters[position] == "A" ? "B" : "A"
        let tampered = String(characters)
        let error = await #expect(throws: SOPSError.self) { try await decrypt(tampered, peer) }
        #expect(error?.code == .macMismatch)
        try expectClean(error, peer)
        #expect(try peer.decrypt(Array(tampered.utf8), name: "secret.yaml").status == 51)
    }

    @Test("a changed lastmodified is refused (it authenticates the MAC)")
    func changedLastModified() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let text = try encrypted(peer)
        let tampered = text.replacingOccurrences(of: #"lastmodified: "20"#, with: #"lastmodified: "19"#)
        #expect(tampered != text)
        let error = await #expect(throws: SOPSError.self) { try await decrypt(tampered, peer) }
        #expect(error?.code == .macMismatch)
    }

    @Test("a wrong age key names the recipient and what the agent holds")
    func wrongKey() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let text = try encrypted(peer)
        let otherKey = peer.scratch.file("other.txt")
        _ = try SOPSPeer.generateAgeKey(at: otherKey)
        let keys = try DecryptionKeys.fromPaths([otherKey])
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(keys: keys).decrypt(Array(text.utf8), format: .yaml)
        }
        #expect(error?.code == .noKeyDecrypted)
        #expect(error?.description.contains(peer.recipient) == true)
        #expect(error?.description.contains("the agent holds 1 age identity") == true)
        try expectClean(error, peer)
        #expect(try peer.decrypt(Array(text.utf8), name: "secret.yaml", keyFile: otherKey).status == 128)
    }

    @Test("no keys at all says so")
    func noKeys() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let text = try encrypted(peer)
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(decrypters: []).decrypt(Array(text.utf8), format: .yaml)
        }
        #expect(error?.code == .noKeyDecrypted)
        #expect(error?.description.contains("the agent holds no decryption keys") == true)
        #expect(error?.description.contains("no age keys or service configured") == true)
    }

    @Test("mac_only_encrypted lets plain values change, not encrypted ones")
    func macOnlyEncrypted() async throws {
        let peer = try SOPSPeer("sops-tamper")
        let config = "creation_rules:\n  - age: \(peer.recipient)\n    mac_only_encrypted: true\n    encrypted_regex: '^(data|stringData)$'\n"
        let text = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", config: config).text
        let plainEdit = text.replacingOccurrences(of: "name: my-secret", with: "name: renamed")
        let decrypted = try await decrypt(plainEdit, peer)
        #expect(decrypted == (try peer.decryptChecked(Array(plainEdit.utf8), name: "secret.yaml")))
        let removed = text.components(separatedBy: "\n").filter { !$0.hasPrefix("    token:") }.joined(separator: "\n")
        let error = await #expect(throws: SOPSError.self) { try await decrypt(removed, peer) }
        #expect(error?.code == .macMismatch)
    }

    @Test("a file without sops metadata is reported as not encrypted", arguments: [
        ("plain.yaml", "a: 1\n"), ("plain.json", "{\"a\": 1}"), ("plain.env", "A=1\n"), ("plain.ini", "[s]\na = 1\n"),
        ("empty.yaml", ""), ("plain.bin", "{\"data\": \"x\"}"),
    ])
    func notEncrypted(name: String, text: String) async throws {
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(decrypters: []).decrypt(Array(text.utf8), format: SOPSFormat.forPath(name), fileName: name)
        }
        #expect(error?.code == .metadataNotFound)
        #expect(error?.file == name)
    }
}
