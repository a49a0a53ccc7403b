import AgeCrypto
import CryptoPrimitives
import Foundation
import Testing

/// Mutated and random inputs in bounded loops with a fixed seed: every outcome is a typed `AgeError` or the
/// original plaintext, never a crash, a hang or a different plaintext.
@Suite struct AgeMalformedInputTests {
    static let iterations = 2000

    enum Mutation: CaseIterable { case flip, replace, insert, delete, truncate, duplicateLine, swapAdjacent }

    static func mutate(_ input: [UInt8], within range: Range<Int>, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        guard !range.isEmpty else { return bytes + [UInt8.random(in: 0...255, using: &generator)] }
        let position = Int.random(in: range, using: &generator)
        switch Mutation.allCases.randomElement(using: &generator)! {
        case .flip: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
        case .replace: bytes[position] = [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "="),
                                          UInt8(ascii: "-"), UInt8(ascii: ">"), 0, 0xff, UInt8(ascii: "A")].randomElement(using: &generator)!
        case .insert: bytes.insert([UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "A"),
                                    UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)!, at: position)
        case .delete: bytes.remove(at: position)
        case .truncate: bytes.removeSubrange(position...)
        case .duplicateLine:
            let start = bytes[..<position].lastIndex(of: 0x0a).map { $0 + 1 } ?? 0
            let end = bytes[position...].firstIndex(of: 0x0a).map { $0 + 1 } ?? bytes.count
            bytes.insert(contentsOf: bytes[start..<end], at: end)
        case .swapAdjacent:
            if position + 1 < bytes.count { bytes.swapAt(position, position + 1) }
        }
        return bytes
    }

    /// Decrypts and classifies: nil for a typed failure, the plaintext otherwise.
    static func attempt(_ file: [UInt8], identities: [AgeIdentity], format: AgeFile.Format) -> [UInt8]? {
        do {
            return Array(try AgeFile.decrypt(file, identities: identities, format: format))
        } catch {
            #expect(!error.message.isEmpty)
            return nil
        }
    }

    @Test("2,000 mutated binary headers fail with typed errors")
    func mutatedHeaders() throws {
        var generator = SeededGenerator(seed: 0xA6E_0001)
        let identity = try AgeX25519Identity.generate()
        let plaintext = generator.bytes(300)
        let file = try AgeFile.encrypt(plaintext, to: [identity.recipient, try AgeX25519Identity.generate().recipient])
        let headerEnd = file.firstRange(of: Array("\n--- ".utf8))!.upperBound + 44 + 16
        var failures = 0
        for _ in 0..<Self.iterations {
            let mutated = Self.mutate(file, within: 0..<headerEnd, using: &generator)
            if let result = Self.attempt(mutated, identities: [.x25519(identity)], format: .binary) {
                #expect(result == plaintext, "a mutated header decrypted to different plaintext")
            } else {
                failures += 1
            }
        }
        #expect(failures > Self.iterations * 9 / 10)
    }

    @Test("2,000 mutated payloads and armored files fail with typed errors")
    func mutatedPayloadsAndArmor() throws {
        var generator = SeededGenerator(seed: 0xA6E_0002)
        let identity = try AgeX25519Identity.generate()
        let twoChunks = generator.bytes(70_000)
        let small = generator.bytes(3_000)
        let binary = try AgeFile.encrypt(twoChunks, to: [identity.recipient])
        let armored = try AgeFile.encrypt(small, to: [identity.recipient], armored: true)
        for iteration in 0..<Self.iterations {
            let useArmor = iteration % 2 == 0
            let source = useArmor ? armored : binary
            let mutated = Self.mutate(source, within: 0..<source.count, using: &generator)
            if let result = Self.attempt(mutated, identities: [.x25519(identity)], format: useArmor ? .armored : .binary) {
                #expect(result == (useArmor ? small : twoChunks), "a mutated file decrypted to different plaintext")
            }
        }
    }

    @Test("2,000 mutated armor texts decode canonically or fail with malformedArmor")
    func mutatedArmorText() throws {
        var generator = SeededGenerator(seed: 0xA6E_0003)
        let binary = generator.bytes(500)
        let armor = Array(AgeArmor.encode(binary).utf8)
        for _ in 0..<Self.iterations {
            let mutated = Self.mutate(armor, within: 0..<armor.count, using: &generator)
            do {
                // Armor has no integrity of its own: a changed base64 character decodes to other bytes.
                // What must hold is canonicity: the accepted text carries exactly the base64 of the result.
                let decoded = try AgeArmor.decode(mutated)
                let canonical = Array(AgeArmor.encode(decoded).utf8)
                let isBase64 = { (byte: UInt8) in byte != 0x0a && byte != 0x0d && byte != 0x20 && byte != 0x09 }
                let body = { (text: [UInt8]) -> [UInt8] in
                    String(decoding: text, as: UTF8.self).split(whereSeparator: \.isNewline)
                        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("-----") }
                        .joined().utf8.filter(isBase64)
                }
                #expect(body(mutated) == body(canonical), "a non-canonical armor was accepted")
            } catch {
                #expect(error.code == .malformedArmor)
            }
        }
    }

    @Test("2,000 mutated identity lines fail with malformedIdentity or unsupportedIdentity and never echo the key")
    func mutatedIdentityLines() throws {
        var generator = SeededGenerator(seed: 0xA6E_0004)
        let identity = try AgeX25519Identity.generate()
        let line = Array(identity.encodedSecretKey().utf8)
        let keyMaterial = String(decoding: line[16..<(line.count - 6)], as: UTF8.self)
        for _ in 0..<Self.iterations {
            let mutated = Self.mutate(line, within: 0..<line.count, using: &generator)
            let text = "# header\n" + String(decoding: mutated, as: UTF8.self) + "\n"
            do {
                let parsed = try AgeIdentityFile.parse(text)
                #expect(parsed.allSatisfy { $0.recipient == identity.recipient })
            } catch {
                #expect([.malformedIdentity, .unsupportedIdentity].contains(error.code), "\(error)")
                for start in stride(from: 0, to: keyMaterial.count - 8, by: 8) {
                    let piece = keyMaterial.dropFirst(start).prefix(8)
                    #expect(!error.message.contains(piece), "the error message repeats key material")
                }
            }
        }
    }

    @Test("random bytes are rejected by every parser without crashing")
    func randomInput() throws {
        var generator = SeededGenerator(seed: 0xA6E_0005)
        let identity = try AgeX25519Identity.generate()
        let prefixes: [[UInt8]] = [[], Array("age-encryption.org/v1\n".utf8), Array("age-encryption.org/v1\n-> X25519 ".utf8),
                                   Array("-----BEGIN AGE ENCRYPTED FILE-----\n".utf8), Array("AGE-SECRET-KEY-1".utf8), Array("age1".utf8)]
        for iteration in 0..<Self.iterations {
            let input = prefixes[iteration % prefixes.count] + generator.bytes(Int.random(in: 0...200, using: &generator))
            #expect(Self.attempt(input, identities: [.x25519(identity)], format: .detect) == nil)
            #expect(throws: AgeError.self) { try AgeArmor.decode(input) }
            let text = String(decoding: input, as: UTF8.self)
            if let parsed = try? AgeIdentityFile.parse(text) { #expect(parsed.isEmpty) }
            #expect(throws: AgeError.self) { try AgeX25519Recipient(text) }
        }
    }
}
