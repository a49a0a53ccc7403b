import AgeCrypto
import CryptoPrimitives
import Foundation
import Testing

/// The public C2SP CCTV age test vectors: every vector decrypts (payload SHA-256 matching) or fails
/// exactly as its `expect:` line says. Post-quantum vectors must have their identity refused as unsupported.
@Suite struct CCTVVectorTests {
    @Test("the CCTV vector directory exists and holds at least 100 vectors")
    func vectorsArePresent() throws {
        let directory = try #require(CCTVVector.directory(), "no CCTV age vector directory (AGE_CCTV_DIR, ../shared/testdata/age-cctv, Fixtures/age-cctv)")
        let names = CCTVVector.names()
        #expect(names.count >= 100, "only \(names.count) CCTV vectors found in \(directory.path)")
    }

    @Test("every CCTV vector gives exactly the expected result", arguments: CCTVVector.names())
    func vector(name: String) throws {
        let vector = try CCTVVector.load(name)
        var identities: [AgeIdentity] = []
        var refusedPostQuantum = 0
        for encoded in vector.identities {
            do {
                identities.append(.x25519(try AgeX25519Identity(encoded)))
            } catch {
                #expect(error.code == .unsupportedIdentity && encoded.hasPrefix("AGE-SECRET-KEY-PQ-1"), "\(name): identity refused with \(error)")
                #expect(error.message.contains("post-quantum"))
                #expect(!error.message.contains(encoded.dropFirst(20).prefix(10)), "\(name): the error repeats the key")
                refusedPostQuantum += 1
            }
        }
        for passphrase in vector.passphrases {
            identities.append(.passphrase(AgePassphraseIdentity(passphrase: Array(passphrase.utf8))))
        }
        if identities.isEmpty && refusedPostQuantum > 0 {
            // Post-quantum only: the refusal above is the expected, documented outcome. The armor still decodes.
            if vector.armored { _ = try AgeArmor.decode(vector.file) }
            return
        }

        var released = SecureBytes()
        var outcome = "success"
        do {
            try AgeFile.decrypt(vector.file, identities: identities, format: vector.armored ? .armored : .binary) { chunk in
                released.append(contentsOf: chunk)
            }
        } catch {
            outcome = error.code.cctvExpectation
            #expect(!error.message.isEmpty)
        }
        #expect(outcome == vector.expect, "\(name): expected \(vector.expect), got \(outcome)")
        if let payload = vector.payloadSHA256, outcome == vector.expect {
            #expect(try sha256Hex(released) == payload, "\(name): released plaintext does not match the payload hash")
        }
    }
}
