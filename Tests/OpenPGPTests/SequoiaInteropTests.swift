import CryptoPrimitives
import Foundation
import OpenPGP
import Testing
import TestSupport

/// Keys and messages made by Sequoia (PyPI `pysequoia`): RFC 9580 v6 keys (X25519, ECDH NIST, RSA)
/// and v4 keys, with PKESK v6 and SEIPD v2 (AES-256-OCB, what Sequoia writes), plus SEIPD v2 with
/// GCM and multi-chunk OCB assembled by a generator and checked by Sequoia's own decryptor.
@Suite struct SequoiaInteropTests {
    struct Encrypted: Decodable {
        let keys: [String]
        let binary_keys: [String]
        let fingerprints: [String]
        let message: String
    }

    struct HandMade: Decodable {
        let key: String
        let message: String
        let sequoia_plaintext_hex: String?
        let sequoia_error: String?
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let profile: String
        let suite: String
        let version: Int
        let algorithm: String
        var testDescription: String { "\(profile) \(suite)" }
    }

    static let cases: [Case] = [
        Case(profile: "rfc9580", suite: "cv25519", version: 6, algorithm: "X25519"),
        Case(profile: "rfc9580", suite: "p256", version: 6, algorithm: "ECDH NIST P-256"),
        Case(profile: "rfc9580", suite: "p384", version: 6, algorithm: "ECDH NIST P-384"),
        Case(profile: "rfc9580", suite: "p521", version: 6, algorithm: "ECDH NIST P-521"),
        Case(profile: "rfc9580", suite: "rsa2k", version: 6, algorithm: "RSA 2048"),
        Case(profile: "rfc4880", suite: "cv25519", version: 4, algorithm: "ECDH Curve25519 (cv25519)"),
        Case(profile: "rfc4880", suite: "p256", version: 4, algorithm: "ECDH NIST P-256"),
        Case(profile: "rfc4880", suite: "rsa3k", version: 4, algorithm: "RSA 3072"),
    ]

    @Test(arguments: cases)
    func decryptsSequoiaMessagesToSequoiaKeys(_ testCase: Case) throws {
        try PythonPeers.requireModule("pysequoia", package: "pysequoia")
        let payload = randomDataKey()
        let output = try PythonPeers.runJSON(
            "sequoia_peer.py", ["encrypt", testCase.profile, testCase.suite, "2", payload.hexDigits], as: Encrypted.self)

        let ring = try OpenPGPKeyRing(armoredKeys: output.keys)
        #expect(ring.problems.isEmpty)
        #expect(ring.fingerprints == output.fingerprints)
        #expect(ring.keys.allSatisfy { $0.version == testCase.version })
        #expect(ring.keys.contains { $0.canDecrypt && $0.algorithm == testCase.algorithm })
        #expect(Array(try ring.decrypt(output.message)) == payload)

        // Each recipient alone, from the binary export.
        for binary in output.binary_keys {
            let single = try OpenPGPKeyRing(armoredKeys: [Array(try #require(Data(base64Encoded: binary)))])
            #expect(Array(try single.decrypt(output.message)) == payload)
        }
        let recipients = try OpenPGPKeyRing.recipients(of: Array(output.message.utf8))
        #expect(recipients.count == 2)
        let heldFingerprints = Set(ring.keys.map(\.fingerprint))
        #expect(recipients.allSatisfy { $0.keyID == nil && heldFingerprints.contains($0.fingerprint ?? "") })
    }

    @Test(arguments: ["gcm", "ocb"], [0, 1, 16])
    func decryptsSEIPDVersion2WithGCMAndOCBInOneOrManyChunks(mode: String, chunkOctet: Int) throws {
        try PythonPeers.requireModule("pysequoia", package: "pysequoia")
        try PythonPeers.requireModule("cryptography", package: "cryptography")
        for (size, compression) in [(32, "none"), (33, "zlib"), (1000, "zip")] {
            let payload = randomDataKey(count: size)
            let output = try PythonPeers.runJSON(
                "sequoia_peer.py", ["seipd2", mode, String(chunkOctet), compression, payload.hexDigits], as: HandMade.self)
            // The hand-made message must be valid for Sequoia too, or this test proves nothing.
            #expect(output.sequoia_error == nil)
            #expect(output.sequoia_plaintext_hex == payload.hexDigits)
            let ring = try OpenPGPKeyRing(armoredKeys: [output.key])
            #expect(Array(try ring.decrypt(output.message)) == payload, "\(mode) chunk \(chunkOctet) \(compression)")
        }
    }
}
