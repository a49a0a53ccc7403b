import CryptoPrimitives
import Foundation
import Testing
import TestSupport

@testable import OpenPGP

/// Corrupt, truncated and random input in bounded, fixed-seed loops: every outcome is either the
/// original plaintext or a typed `OpenPGPError` whose message carries no key material or plaintext.
@Suite struct MalformedInputTests {
    /// One decryptable message with everything needed to judge an outcome.
    struct Sample {
        let ring: OpenPGPKeyRing
        let message: [UInt8]
        let payload: [UInt8]
        /// Byte strings that must never appear (as hex or text) in an error message.
        let secrets: [[UInt8]]
    }

    static func rfcSample() throws -> Sample {
        Sample(
            ring: try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.v6SecretKey]),
            message: TestPackets.dearmor(RFC9580Vectors.x25519OCBMessage), payload: Array("Hello, world!".utf8),
            secrets: [hex(RFC9580Vectors.subkeySecretHex), Array("Hello, world!".utf8)])
    }

    @Test func mutatedV6MessagesFailWithTypedErrors() throws {
        try fuzzMessages(try Self.rfcSample(), seed: 0x5EED_0001, iterations: 600)
    }

    @Test func mutatedGnuPGMessagesFailWithTypedErrors() throws {
        let home = try GnuPGHome()
        let rsa = try home.generateKey("Fuzz RSA <fuzzrsa@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let curve = try home.generateKey("Fuzz EC <fuzzec@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([rsa.primary, curve.primary])])
        for (index, key) in [rsa, curve].enumerated() {
            let payload = randomDataKey()
            let message = try home.encrypt(payload, to: [key.primary], options: index == 0 ? [] : ["--compress-algo", "zip"])
            try fuzzMessages(
                Sample(ring: ring, message: message, payload: payload, secrets: [payload]),
                seed: 0x5EED_0010 + UInt64(index), iterations: 300)
        }
    }

    @Test func mutatedArmorFailsWithTypedErrors() throws {
        let sample = try Self.rfcSample()
        var generator = SeededGenerator(seed: 0x5EED_0002)
        let armored = Array(TestPackets.armor(sample.message).utf8)
        for _ in 0..<600 {
            var text = armored
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<text.count, using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: text[position] = UInt8.random(in: 0x20...0x7E, using: &generator)
                case 1: text.remove(at: position)
                case 2: text.insert([0x0D, 0x0A, 0x3D, 0x2D, 0x3A, 0x20][Int.random(in: 0..<6, using: &generator)], at: position)
                case 3: text[position] = UInt8.random(in: 0...255, using: &generator)
                default: text.removeSubrange(position..<min(text.count, position + Int.random(in: 1...80, using: &generator)))
                }
                if text.isEmpty { text = [0x2D] }
            }
            check(sample, input: text)
        }
    }

    @Test func mutatedSecretKeysLoadOrFailWithTypedErrors() throws {
        let sample = try Self.rfcSample()
        let keyBytes = TestPackets.dearmor(RFC9580Vectors.v6SecretKey)
        var generator = SeededGenerator(seed: 0x5EED_0003)
        for _ in 0..<600 {
            let mutated = mutate(keyBytes, &generator)
            let ring: OpenPGPKeyRing
            do {
                ring = try OpenPGPKeyRing(armoredKeys: [mutated])
            } catch {
                expectNoSecrets(error, sample.secrets)
                continue
            }
            for problem in ring.problems { expectNoSecrets(problem, sample.secrets) }
            check(Sample(ring: ring, message: sample.message, payload: sample.payload, secrets: sample.secrets), input: sample.message)
        }
    }

    @Test func mutatedGnuPGSecretKeysLoadOrFailWithTypedErrors() throws {
        let home = try GnuPGHome()
        let rsa = try home.generateKey("Key RSA <keyrsa@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let nist = try home.generateKey("Key P256 <keyp256@example.invalid>", primaryAlgorithm: "nistp256", encryptionAlgorithm: "nistp256")
        var generator = SeededGenerator(seed: 0x5EED_0004)
        for key in [rsa, nist] {
            let binary = try home.gpg(["--export-secret-keys", key.primary])
            let payload = randomDataKey()
            let message = try home.encrypt(payload, to: [key.primary], options: [])
            for _ in 0..<150 {
                let mutated = mutate(binary, &generator)
                guard let ring = try? OpenPGPKeyRing(armoredKeys: [mutated]) else { continue }
                check(Sample(ring: ring, message: message, payload: payload, secrets: [payload]), input: message)
            }
        }
    }

    @Test func randomBytesAndTextAreRejected() throws {
        let sample = try Self.rfcSample()
        var generator = SeededGenerator(seed: 0x5EED_0005)
        for round in 0..<500 {
            var bytes = generator.bytes(Int.random(in: 0...300, using: &generator))
            if round % 3 == 0, !bytes.isEmpty { bytes[0] |= 0x80 }
            if round % 3 == 1 { bytes = Array("-----BEGIN PGP MESSAGE-----\n\n".utf8) + bytes }
            check(sample, input: bytes, mustFail: true)
            do {
                _ = try OpenPGPKeyRing(armoredKeys: [bytes])
            } catch {
                expectNoSecrets(error, sample.secrets)
            }
        }
    }

    @Test func everyTruncationOfAMessageFailsCleanly() throws {
        let sample = try Self.rfcSample()
        for length in 0..<sample.message.count {
            check(sample, input: Array(sample.message.prefix(length)), mustFail: true)
        }
    }

    @Test func hugeDeclaredLengthsAreRejectedBeforeAllocating() throws {
        let sample = try Self.rfcSample()
        let cases: [[UInt8]] = [
            [0xC1, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x06],  // 2 GiB PKESK
            [0xD2, 0xFE, 0x02],  // 1 GiB partial chunk
            [0x86, 0xFF, 0xFF, 0xFF, 0xF0, 0x04],  // legacy 4-byte length
            [0xD2] + [UInt8](repeating: 0xE9, count: 1),  // partial chunk with no data
        ]
        for input in cases {
            let error = #expect(throws: OpenPGPError.self) { try sample.ring.decrypt(input) }
            #expect(error?.code == .limitExceeded || error?.code == .malformedPacket)
        }
    }

    @Test func compressionBombIsCappedAt64MiB() throws {
        // 65 MiB of zeros, zlib-compressed by Python's zlib (about 65 KB).
        let compressed = try runTool(
            "python3", ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(bytes(65 << 20), 9))"])
        #expect(compressed.count < 200_000)
        let packet = TestPackets.packet(8, [2] + compressed)
        let error = #expect(throws: OpenPGPError.self) { try LiteralContent.extract(from: SecureBytes(packet)) }
        #expect(error?.code == .limitExceeded)
    }

    @Test func corruptAndTruncatedCompressedDataIsReported() throws {
        let literal = TestPackets.literal(Array("data key".utf8))
        let zlibStream = try runTool(
            "python3", ["-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"],
            input: literal)
        #expect(Array(try LiteralContent.extract(from: SecureBytes(TestPackets.packet(8, [2] + zlibStream)))) == Array("data key".utf8))
        for broken in [Array(zlibStream.prefix(zlibStream.count / 2)), [0xFF, 0xFF, 0xFF] + zlibStream] {
            let error = #expect(throws: OpenPGPError.self) {
                try LiteralContent.extract(from: SecureBytes(TestPackets.packet(8, [2] + broken)))
            }
            #expect(error?.code == .malformedCompressedData)
        }
    }

    @Test func deepNestingIsLimited() throws {
        var packets = TestPackets.literal(Array("x".utf8))
        for _ in 0..<(Limits.maximumNestingDepth - 1) { packets = TestPackets.packet(8, [0] + packets) }
        #expect(Array(try LiteralContent.extract(from: SecureBytes(packets))) == Array("x".utf8))
        packets = TestPackets.packet(8, [0] + packets)
        let error = #expect(throws: OpenPGPError.self) { try LiteralContent.extract(from: SecureBytes(packets)) }
        #expect(error?.code == .limitExceeded)
    }

    // MARK: - Helpers

    private func fuzzMessages(_ sample: Sample, seed: UInt64, iterations: Int) throws {
        #expect(Array(try sample.ring.decrypt(sample.message)) == sample.payload)
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<iterations {
            check(sample, input: mutate(sample.message, &generator))
        }
    }

    private func mutate(_ original: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0, 1: bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &generator)
            case 2: bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            case 3: bytes.insert(contentsOf: generator.bytes(Int.random(in: 1...8, using: &generator)), at: position)
            case 4: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &generator)))
            case 5: bytes[position] = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xE0][Int.random(in: 0..<6, using: &generator)]
            default:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: end)
            }
        }
        return bytes
    }

    private func check(_ sample: Sample, input: [UInt8], mustFail: Bool = false) {
        do {
            let plaintext = try sample.ring.decrypt(input)
            #expect(!mustFail, "decrypting corrupt input unexpectedly succeeded")
            #expect(Array(plaintext) == sample.payload, "a corrupted message decrypted to something else")
        } catch {
            expectNoSecrets(error, sample.secrets)
        }
    }

    private func expectNoSecrets(_ error: OpenPGPError, _ secrets: [[UInt8]]) {
        let text = error.description
        #expect(!text.isEmpty)
        for secret in secrets {
            let hexText = secret.hexDigits
            #expect(!text.lowercased().contains(hexText), "secret bytes in: \(text)")
            if secret.count >= 8, let asText = String(bytes: secret, encoding: .utf8) {
                #expect(!text.contains(asText), "plaintext in: \(text)")
            }
            // Any 8-byte window of the secret, in hex.
            if secret.count >= 8 {
                for start in stride(from: 0, through: secret.count - 8, by: 4) {
                    #expect(!text.lowercased().contains(Array(secret[start..<(start + 8)]).hexDigits))
                }
            }
        }
        // Hex runs long enough to be key material must be fingerprints or key IDs (40, 64 or 16 digits).
        for run in text.split(whereSeparator: { !$0.isHexDigit }) where run.count > 16 {
            #expect(run.count == 40 || run.count == 64 || run.count <= 20, "suspicious hex in: \(text)")
        }
    }
}
