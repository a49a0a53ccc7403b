import Foundation
import SOPS
import Testing
import TestSupport

/// Key groups with `shamir_threshold: 2` written by the real sops (via a `.sops.yaml` creation rule).
@Suite("Key groups and Shamir")
struct KeyGroupTests {
    struct Groups {
        let peer: SOPSPeer
        let keyFiles: [String]
        let recipients: [String]
        let config: String

        init() throws {
            peer = try SOPSPeer("sops-shamir")
            var files: [String] = []
            var recipients: [String] = []
            for index in 1...3 {
                let path = peer.scratch.file("group\(index).txt")
                recipients.append(try SOPSPeer.generateAgeKey(at: path))
                files.append(path)
            }
            keyFiles = files
            self.recipients = recipients
            config = "creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n"
                + recipients.map { "      - age:\n          - \($0)\n" }.joined()
        }

        /// One identity file holding the keys of the given groups (0-based).
        func keyFile(groups: [Int]) throws -> String {
            var contents: [UInt8] = []
            for group in groups { contents += try peer.scratch.read("group\(group + 1).txt") }
            return try peer.scratch.write("keys-\(groups.map(String.init).joined()).txt", contents, mode: 0o600)
        }
    }

    @Test("any two of three groups decrypt like sops", arguments: ["secret.yaml", "types.json", "types.env", "types.ini", "blob.bin"])
    func thresholdOfTwo(name: String) async throws {
        let groups = try Groups()
        let plaintext: [UInt8]
        switch SOPSFormat.forPath(name) {
        case .yaml: plaintext = Array(Fixtures.kubernetesSecret.utf8)
        case .json: plaintext = Array(Fixtures.json.utf8)
        case .dotenv: plaintext = Array(Fixtures.dotenv.utf8)
        case .ini: plaintext = Array(Fixtures.ini.utf8)
        case .binary: plaintext = Array("binary\u{0}payload".utf8)
        }
        let encrypted = try groups.peer.encrypt(plaintext, name: name, config: groups.config)
        let expected = try groups.peer.decryptChecked(encrypted, name: name, keyFile: try groups.keyFile(groups: [0, 1, 2]))
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let keys = try DecryptionKeys.fromPaths([try groups.keyFile(groups: pair)])
            let actual = try await SOPSDecryptor(keys: keys).decrypt(encrypted, format: SOPSFormat.forPath(name))
            #expect(actual == expected, "groups \(pair): \(firstDifference(expected, actual))")
        }
        let file = try SOPSFile(bytes: encrypted, format: SOPSFormat.forPath(name))
        #expect(file.metadata.keyGroups.count == 3)
        #expect(file.metadata.shamirThreshold == 2)
    }

    @Test("one group is not enough and the error names the groups and recipients")
    func belowThreshold() async throws {
        let groups = try Groups()
        let encrypted = try groups.peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", config: groups.config)
        let keys = try DecryptionKeys.fromPaths([try groups.keyFile(groups: [1])])
        let error = await #expect(throws: SOPSError.self) {
            try await SOPSDecryptor(keys: keys).decrypt(encrypted, format: .yaml)
        }
        #expect(error?.code == .noKeyDecrypted)
        let message = error?.description ?? ""
        #expect(message.contains("2 of 3 key groups"))
        #expect(message.contains("group 1: SUCCESS"))
        #expect(message.contains(groups.recipients[0]) && message.contains(groups.recipients[2]))
        #expect(message.contains("1 age identity"))
        #expect(!message.contains("AGE-SECRET-KEY"))
        // sops agrees that one group is not enough.
        let sops = try groups.peer.decrypt(encrypted, name: "secret.yaml", keyFile: try groups.keyFile(groups: [1]))
        #expect(sops.status != 0)
    }
}
