import AgeCrypto
import CryptoPrimitives
import Foundation
import Testing

/// Interoperability with the real `age` and `age-keygen` (Debian package `age`, 1.1.1).
@Suite struct AgeInteropTests {
    static let sizes = [0, 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024 + 123]

    /// An identity file written by `age-keygen`, with the recipient it reports.
    struct KeygenIdentity {
        let scratch: ScratchDirectory
        let identityPath: String
        let recipient: String
        let identities: [AgeX25519Identity]

        init() throws {
            scratch = try ScratchDirectory()
            identityPath = scratch.path("key.txt")
            try runTool("age-keygen", ["-o", identityPath])
            recipient = String(decoding: try runTool("age-keygen", ["-y", identityPath]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            identities = try AgeIdentityFile.parse(String(decoding: try scratch.read("key.txt"), as: UTF8.self))
        }
    }

    static func plaintext(size: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: UInt64(size) &+ 7)
        return generator.bytes(size)
    }

    @Test("an age-keygen identity file parses (comments skipped) to the recipient age-keygen -y prints")
    func keygenIdentityFile() throws {
        let keygen = try KeygenIdentity()
        let contents = String(decoding: try keygen.scratch.read("key.txt"), as: UTF8.self)
        #expect(contents.contains("# public key: "))
        #expect(keygen.identities.count == 1)
        #expect(keygen.identities.first?.recipient.encoded == keygen.recipient)
    }

    @Test("files from `age -r` (binary and -a armored) decrypt", arguments: sizes)
    func decryptsAgeOutput(size: Int) throws {
        let keygen = try KeygenIdentity()
        let plaintext = Self.plaintext(size: size)
        try keygen.scratch.write("plain", plaintext)
        try runTool("age", ["-r", keygen.recipient, "-o", keygen.scratch.path("binary.age"), keygen.scratch.path("plain")])
        try runTool("age", ["-a", "-r", keygen.recipient, "-o", keygen.scratch.path("armored.age"), keygen.scratch.path("plain")])
        let identities = keygen.identities.map(AgeIdentity.x25519)

        let binary = try keygen.scratch.read("binary.age")
        #expect(Array(try AgeFile.decrypt(binary, identities: identities, format: .binary)) == plaintext)
        #expect(Array(try AgeFile.decrypt(binary, identities: identities)) == plaintext)
        let armored = try keygen.scratch.read("armored.age")
        #expect(AgeArmor.isArmored(armored))
        #expect(Array(try AgeFile.decrypt(armored, identities: identities, format: .armored)) == plaintext)
        #expect(Array(try AgeFile.decrypt(armored, identities: identities)) == plaintext)
        // Re-armoring the binary file gives byte-identical armor to age's own.
        #expect(AgeArmor.encode(try AgeArmor.decode(armored)) == String(decoding: armored, as: UTF8.self))
    }

    @Test("files encrypted here (binary and armored) decrypt with `age -d -i`", arguments: sizes)
    func ageDecryptsOurOutput(size: Int) throws {
        let keygen = try KeygenIdentity()
        let plaintext = Self.plaintext(size: size)
        let recipient = try AgeX25519Recipient(keygen.recipient)
        for armored in [false, true] {
            let file = try AgeFile.encrypt(plaintext, to: [recipient], armored: armored)
            try keygen.scratch.write("ours.age", file)
            let decrypted = try runTool("age", ["-d", "-i", keygen.identityPath, keygen.scratch.path("ours.age")])
            #expect(decrypted == plaintext, "armored: \(armored)")
        }
    }

    @Test("a generated identity works with `age -d -i`, and `age-keygen -y` prints its recipient")
    func generatedIdentity() throws {
        let scratch = try ScratchDirectory()
        let identity = try AgeX25519Identity.generate()
        let secret = identity.encodedSecretKey()
        #expect(secret.hasPrefix("AGE-SECRET-KEY-1"))
        #expect(identity.recipient.encoded.hasPrefix("age1"))
        #expect(!"\(identity)".contains(secret) && "\(identity)".contains(identity.recipient.encoded))
        try scratch.write("mine.txt", Array("# created by the test\n\(secret)\n".utf8))
        let printed = String(decoding: try runTool("age-keygen", ["-y", scratch.path("mine.txt")]), as: UTF8.self)
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == identity.recipient.encoded)

        let plaintext = Array("rollback snapshot for stage web".utf8)
        try scratch.write("ours.age", try AgeFile.encrypt(plaintext, to: [identity.recipient], armored: true))
        #expect(try runTool("age", ["-d", "-i", scratch.path("mine.txt"), scratch.path("ours.age")]) == plaintext)

        try scratch.write("plain", plaintext)
        try runTool("age", ["-r", identity.recipient.encoded, "-o", scratch.path("theirs.age"), scratch.path("plain")])
        #expect(Array(try AgeFile.decrypt(try scratch.read("theirs.age"), identities: [.x25519(identity)])) == plaintext)
        // Round trip through the encoded secret key.
        let reparsed = try AgeX25519Identity(secret)
        #expect(reparsed.recipient == identity.recipient)
    }

    @Test("several recipients: age and this implementation each open the other's multi-recipient files")
    func multipleRecipients() throws {
        let first = try KeygenIdentity()
        let second = try KeygenIdentity()
        let plaintext = Self.plaintext(size: 5000)
        let recipients = try [AgeX25519Recipient(first.recipient), AgeX25519Recipient(second.recipient)]
        try first.scratch.write("ours.age", try AgeFile.encrypt(plaintext, to: recipients))
        #expect(try runTool("age", ["-d", "-i", first.identityPath, first.scratch.path("ours.age")]) == plaintext)
        #expect(try runTool("age", ["-d", "-i", second.identityPath, first.scratch.path("ours.age")]) == plaintext)

        try first.scratch.write("plain", plaintext)
        try runTool("age", ["-r", first.recipient, "-r", second.recipient, "-o", first.scratch.path("theirs.age"), first.scratch.path("plain")])
        let theirs = try first.scratch.read("theirs.age")
        #expect(Array(try AgeFile.decrypt(theirs, identities: second.identities.map(AgeIdentity.x25519))) == plaintext)
        // Several identities: the non-matching one is skipped.
        let stranger = try AgeX25519Identity.generate()
        #expect(Array(try AgeFile.decrypt(theirs, identities: [.x25519(stranger)] + first.identities.map(AgeIdentity.x25519))) == plaintext)
        let error = expectAgeError(.noMatchingIdentity) { try AgeFile.decrypt(theirs, identities: [.x25519(stranger)]) }
        #expect(error?.message.contains("X25519 ×2") == true)
        #expect(error?.message.contains(stranger.encodedSecretKey()) == false)
    }

    @Test("tampering with an age-made file is detected: header MAC, payload, truncation, trailing data")
    func tamperingAgeOutput() throws {
        let keygen = try KeygenIdentity()
        let plaintext = Self.plaintext(size: 64 * 1024 + 100)
        try keygen.scratch.write("plain", plaintext)
        try runTool("age", ["-r", keygen.recipient, "-o", keygen.scratch.path("file.age"), keygen.scratch.path("plain")])
        let file = try keygen.scratch.read("file.age")
        let identities = keygen.identities.map(AgeIdentity.x25519)
        let headerEnd = file.firstRange(of: Array("\n--- ".utf8))!.upperBound

        var mac = file
        mac[headerEnd] = mac[headerEnd] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        expectAgeError(.headerMACMismatch) { try AgeFile.decrypt(mac, identities: identities) }
        var payload = file
        payload[payload.count - 30] ^= 1
        expectAgeError(.payloadAuthenticationFailed) { try AgeFile.decrypt(payload, identities: identities) }
        expectAgeError(.payloadAuthenticationFailed) { try AgeFile.decrypt(Array(file.dropLast(1)), identities: identities) }
        expectAgeError(.malformedPayload) { try AgeFile.decrypt(Array(file.dropLast(116)), identities: identities) }
        expectAgeError(.payloadAuthenticationFailed) { try AgeFile.decrypt(file + [0], identities: identities) }
    }
}
