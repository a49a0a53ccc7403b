import AgeCrypto
import CryptoPrimitives
import Foundation
import Testing

@Suite struct AgeKeyAndErrorTests {
    /// The public test identity of the C2SP CCTV age vectors.
    static let identity = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

    @Test("identity files: comments, blank lines, CRLF and several identities; errors name the line, not the key")
    func identityFileParsing() throws {
        let first = try AgeX25519Identity.generate()
        let second = try AgeX25519Identity.generate()
        let file = "# created: 2026-01-01T00:00:00Z\r\n# public key: \(first.recipient)\r\n\(first.encodedSecretKey())\r\n\n   \n\(second.encodedSecretKey())  \n"
        let parsed = try AgeIdentityFile.parse(file)
        #expect(parsed.map(\.recipient) == [first.recipient, second.recipient])
        #expect(try AgeIdentityFile.parse("# only comments\n\n").isEmpty)

        var broken = Array(second.encodedSecretKey())
        broken[30] = broken[30] == "Q" ? "P" : "Q"
        let brokenLine = String(broken)
        let error = expectAgeError(.malformedIdentity) {
            try AgeIdentityFile.parse("# key\n\(first.encodedSecretKey())\n\(brokenLine)\n")
        }
        #expect(error?.message.hasPrefix("line 3: ") == true)
        #expect(error?.message.contains("checksum") == true)
        for secret in [brokenLine, first.encodedSecretKey()] {
            #expect(error?.message.contains(secret.dropFirst(16).prefix(8)) == false, "the error repeats key material")
        }
    }

    @Test("plugin, SSH, post-quantum and encrypted identity files are refused, naming what is unsupported", arguments: [
        ("AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", "plugin"),
        ("AGE-SECRET-KEY-PQ-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", "post-quantum"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", "SSH"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE5bmDoTBiKxqXJaW7ls0nmI9HGC4m8xQ0nPYUNt8r2b user@host", "SSH"),
        ("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----", "passphrase"),
        ("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", "recipient"),
    ])
    func unsupportedIdentities(text: String, mention: String) {
        let error = expectAgeError(.unsupportedIdentity) { try AgeIdentityFile.parse("# comment\n" + text + "\n") }
        #expect(error?.message.contains(mention) == true, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("line 2: ") == true)
    }

    @Test("lower-case or wrong-prefix identities are malformed with a helpful message")
    func malformedIdentities() {
        let lower = expectAgeError(.malformedIdentity) { try AgeX25519Identity(Self.identity.lowercased()) }
        #expect(lower?.message.contains("upper case") == true)
        expectAgeError(.malformedIdentity) { try AgeX25519Identity("AGE-SECRET-KEY-1") }
        expectAgeError(.malformedIdentity) { try AgeX25519Identity("not a key") }
        expectAgeError(.malformedIdentity) { try AgeX25519Identity(String(Self.identity.dropLast(2))) }
    }

    @Test("recipients: age1 parses and round-trips; plugin, SSH, post-quantum and upper-case are refused")
    func recipients() throws {
        let identity = try AgeX25519Identity(Self.identity)
        let encoded = identity.recipient.encoded
        #expect(try AgeX25519Recipient(encoded) == identity.recipient)
        #expect(try AgeX25519Recipient("  \(encoded)\n").encoded == encoded)
        expectAgeError(.malformedRecipient) { try AgeX25519Recipient(encoded.uppercased()) }
        expectAgeError(.malformedRecipient) { try AgeX25519Recipient(String(encoded.dropLast())) }
        expectAgeError(.unsupportedRecipient) { try AgeX25519Recipient("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE5bmDoTBiKxqXJaW7ls0nmI9HGC4m8xQ0nPYUNt8r2b") }
        let pq = Bech32Sample.encode(hrp: "age1pq", payloadBytes: 40)
        expectAgeError(.unsupportedRecipient) { try AgeX25519Recipient(pq) }
        let plugin = Bech32Sample.encode(hrp: "age1yubikey", payloadBytes: 33)
        expectAgeError(.unsupportedRecipient) { try AgeX25519Recipient(plugin) }
        expectAgeError(.noRecipients) { try AgeFile.encrypt([1, 2, 3], to: []) }
    }

    @Test("the scrypt work-factor cap is configurable and refuses files above it")
    func scryptWorkFactorCap() throws {
        let vector = try CCTVVector.load("scrypt")
        let passphrase = Array(vector.passphrases[0].utf8)
        let header = String(decoding: vector.file.prefix(200), as: UTF8.self)
        let workFactor = try #require(Int(header.split(separator: "\n")[1].split(separator: " ").last!))
        let allowed = AgePassphraseIdentity(passphrase: passphrase, maxWorkFactor: workFactor)
        #expect(try sha256Hex(AgeFile.decrypt(vector.file, identities: [.passphrase(allowed)])) == vector.payloadSHA256)
        let strict = AgePassphraseIdentity(passphrase: passphrase, maxWorkFactor: workFactor - 1)
        let error = expectAgeError(.workFactorTooHigh) { try AgeFile.decrypt(vector.file, identities: [.passphrase(strict)]) }
        #expect(error?.message.contains(vector.passphrases[0]) == false)
        #expect(AgePassphraseIdentity.defaultMaxWorkFactor == 22)
        // A passphrase is never tried against X25519 stanzas, nor an X25519 identity against scrypt.
        expectAgeError(.noMatchingIdentity) {
            try AgeFile.decrypt(vector.file, identities: [.x25519(try AgeX25519Identity(Self.identity))])
        }
    }

    @Test("encryption: empty and exact-chunk plaintexts use the final-chunk rules age uses; decrypt sees them back")
    func chunkBoundaries() throws {
        let identity = try AgeX25519Identity.generate()
        for size in [0, 1, 65535, 65536, 65537, 131072, 200_000] {
            var generator = SeededGenerator(seed: UInt64(size))
            let plaintext = generator.bytes(size)
            let file = try AgeFile.encrypt(plaintext, to: [identity.recipient])
            let headerEnd = file.firstRange(of: Array("\n--- ".utf8))!.upperBound
            let payloadStart = file[headerEnd...].firstIndex(of: 0x0a)! + 1 + 16
            let chunks = max(1, (size + 65535) / 65536)
            #expect(file.count - payloadStart == size + 16 * chunks, "size \(size)")
            #expect(Array(try AgeFile.decrypt(file, identities: [.x25519(identity)])) == plaintext)
        }
    }

    @Test("errors are typed, describe themselves, and the no-match message lists stanza types only")
    func errorShape() throws {
        let identity = try AgeX25519Identity.generate()
        let file = try AgeFile.encrypt([1, 2, 3], to: [identity.recipient, try AgeX25519Identity.generate().recipient])
        let error = expectAgeError(.noMatchingIdentity) { try AgeFile.decrypt(file, identities: [.x25519(try AgeX25519Identity.generate())]) }
        #expect(error?.description.hasPrefix("noMatchingIdentity: ") == true)
        #expect(error?.message.contains("X25519 ×2") == true)
        expectAgeError(.noMatchingIdentity) { try AgeFile.decrypt(file, identities: []) }
        expectAgeError(.malformedHeader) { try AgeFile.decrypt([UInt8](), identities: [.x25519(identity)]) }
        expectAgeError(.unsupportedVersion) {
            try AgeFile.decrypt(Array("age-encryption.org/v2\n".utf8), identities: [.x25519(identity)])
        }
        expectAgeError(.malformedArmor) { try AgeFile.decrypt(Array("garbage".utf8), identities: [.x25519(identity)], format: .armored) }
    }
}

/// Builds syntactically valid Bech32 strings with arbitrary prefixes for refusal tests.
enum Bech32Sample {
    static func encode(hrp: String, payloadBytes: Int) -> String {
        let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
        var values: [UInt8] = []
        var accumulator = 0, bits = 0
        for byte in [UInt8](repeating: 0x5a, count: payloadBytes) {
            accumulator = (accumulator << 8) | Int(byte)
            bits += 8
            while bits >= 5 { bits -= 5; values.append(UInt8((accumulator >> bits) & 31)) }
            accumulator &= (1 << bits) - 1
        }
        if bits > 0 { values.append(UInt8((accumulator << (5 - bits)) & 31)) }
        let hrpBytes = Array(hrp.utf8)
        let expanded = hrpBytes.map { $0 >> 5 } + [0] + hrpBytes.map { $0 & 31 }
        let modulus = polymod(expanded + values + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8((modulus >> UInt32(5 * (5 - $0))) & 31) }
        return hrp + "1" + String((values + checksum).map { charset[Int($0)] })
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ffffff) << 5 ^ UInt32(value)
            for index in 0..<5 where (top >> UInt32(index)) & 1 == 1 { checksum ^= generator[index] }
        }
        return checksum
    }
}
