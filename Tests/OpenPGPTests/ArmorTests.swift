import CryptoPrimitives
import Testing
import TestSupport

@testable import OpenPGP

/// ASCII armor read as GnuPG reads it, checked against the RFC 9580 sample key and message.
@Suite struct ArmorTests {
    let ring: OpenPGPKeyRing
    let message = TestPackets.dearmor(RFC9580Vectors.x25519OCBMessage)
    let hello = Array("Hello, world!".utf8)

    init() throws {
        ring = try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.v6SecretKey])
    }

    @Test func crc24MatchesTheRFCAlgorithm() {
        // The CRC of no data is the initial value; "123456789" is the CRC-24/OpenPGP check value.
        #expect(Radix64.crc24([]) == 0xB7_04CE)
        #expect(Radix64.crc24(Array("123456789".utf8)) == 0x21_CF02)
    }

    @Test func headersChecksumsAndLineEndsInAnyCombinationAreAccepted() throws {
        for checksum in [true, false] {
            for lineEnd in ["\n", "\r\n"] {
                for headers in [[], ["Version: GnuPG v2", "Comment: sops data key"], ["Comment: has: colons"]] {
                    let armored = TestPackets.armor(message, checksum: checksum, lineEnd: lineEnd, headers: headers)
                    #expect(Array(try ring.decrypt(armored)) == hello, "\(checksum) \(headers)")
                }
            }
        }
    }

    @Test func armorWithoutTheBlankLineIndentedOrSurroundedByTextIsAccepted() throws {
        let armored = TestPackets.armor(message)
        let withoutBlankLine = armored.replacingOccurrences(of: "-----\n\n", with: "-----\n")
        #expect(Array(try ring.decrypt(withoutBlankLine)) == hello)
        let indented = armored.split(separator: "\n").map { "    " + $0 + " \t" }.joined(separator: "\n")
        #expect(Array(try ring.decrypt(indented)) == hello)
        #expect(Array(try ring.decrypt("enc: |\n" + armored + "\ntrailing text\n")) == hello)
        let withByteOrderMark = [0xEF, 0xBB, 0xBF] + Array(armored.utf8)
        #expect(Array(try ring.decrypt(withByteOrderMark)) == hello)
        let keyWithByteOrderMark = [0xEF, 0xBB, 0xBF] + Array(RFC9580Vectors.v6SecretKey.utf8)
        #expect(try OpenPGPKeyRing(armoredKeys: [keyWithByteOrderMark]).keys.count == 2)
    }

    @Test func binaryMessageIsAccepted() throws {
        #expect(Array(try ring.decrypt(message)) == hello)
    }

    @Test func brokenArmorIsMalformedArmor() throws {
        let armored = TestPackets.armor(message)
        var lines = armored.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let cases: [String] = [
            "",
            "just some text",
            armored.replacingOccurrences(of: "-----END PGP MESSAGE-----", with: ""),
            { var copy = lines; copy[2] = "*" + copy[2].dropFirst(); return copy.joined(separator: "\n") }(),
            { var copy = lines; copy[copy.count - 3] = "=AB"; return copy.joined(separator: "\n") }(),
            { var copy = lines; copy[2] = String(copy[2].dropLast()); return copy.joined(separator: "\n") }(),
        ]
        lines.removeAll()
        for text in cases {
            let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(text) }
            #expect(error?.code == .malformedArmor || error?.code == .malformedPacket, "\(error?.description ?? "")")
        }
    }

    @Test func keyAndMessageBlocksAreNotConfused() throws {
        let keyAsMessage = #expect(throws: OpenPGPError.self) { try ring.decrypt(RFC9580Vectors.v6SecretKey) }
        #expect(keyAsMessage?.code == .malformedArmor)
        #expect(keyAsMessage?.message.contains("PRIVATE KEY BLOCK") == true)
        let messageAsKey = #expect(throws: OpenPGPError.self) {
            try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.x25519OCBMessage], sourceNames: ["message.asc"])
        }
        #expect(messageAsKey?.code == .malformedArmor)
        #expect(messageAsKey?.message.contains("message.asc") == true)
    }

    @Test func keyRingIsSafeToUseFromManyTasks() async throws {
        let ring = self.ring
        let message = self.message
        let results = await withTaskGroup(of: [UInt8]?.self) { group in
            for _ in 0..<16 {
                group.addTask { (try? ring.decrypt(message)).map { Array($0) } }
            }
            var collected: [[UInt8]?] = []
            for await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == Array("Hello, world!".utf8) })
    }
}
