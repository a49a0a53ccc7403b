import CryptoPrimitives
import Foundation
import OpenPGP
import Testing
import TestSupport

/// Keys generated and messages encrypted by the real GnuPG 2.2, decrypted by the key ring.
@Suite struct GnuPGInteropTests {
    struct KeyKind: Sendable, CustomTestStringConvertible {
        let primary: String
        let encryption: String
        let expectedAlgorithm: String
        var testDescription: String { "\(primary)+\(encryption)" }
    }

    static let keyKinds: [KeyKind] = [
        KeyKind(primary: "rsa2048", encryption: "rsa2048", expectedAlgorithm: "RSA 2048"),
        KeyKind(primary: "rsa3072", encryption: "rsa3072", expectedAlgorithm: "RSA 3072"),
        KeyKind(primary: "ed25519", encryption: "cv25519", expectedAlgorithm: "ECDH Curve25519 (cv25519)"),
        KeyKind(primary: "nistp256", encryption: "nistp256", expectedAlgorithm: "ECDH NIST P-256"),
        KeyKind(primary: "nistp384", encryption: "nistp384", expectedAlgorithm: "ECDH NIST P-384"),
        KeyKind(primary: "nistp521", encryption: "nistp521", expectedAlgorithm: "ECDH NIST P-521"),
    ]

    @Test(arguments: keyKinds)
    func decryptsEveryCompressionAndArmorVariantGnuPGWrites(_ kind: KeyKind) throws {
        let home = try GnuPGHome()
        let key = try home.generateKey(
            "Test \(kind.primary) <\(kind.primary)@example.invalid>", primaryAlgorithm: kind.primary,
            encryptionAlgorithm: kind.encryption)
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        #expect(ring.problems.isEmpty)
        #expect(ring.fingerprints == [key.primary])
        let subkey = try #require(ring.keys.first { $0.fingerprint == key.encryptionSubkey })
        #expect(subkey.isSubkey && subkey.canDecrypt && subkey.version == 4)
        #expect(subkey.algorithm == kind.expectedAlgorithm)
        #expect(subkey.primaryFingerprint == key.primary)
        #expect(subkey.keyID == key.encryptionKeyID)

        let variants: [[String]] = [
            ["--armor"], [], ["--armor", "--compress-algo", "zlib"], ["--armor", "--compress-algo", "zip"],
            ["--armor", "--compress-algo", "none"],
        ]
        for options in variants {
            for size in [32, 33] {
                let payload = randomDataKey(count: size)
                let message = try home.encrypt(payload, to: [key.primary], options: options)
                let plaintext = try ring.decrypt(message)
                #expect(Array(plaintext) == payload, "gpg --encrypt \(options.joined(separator: " "))")
            }
        }
        let message = try home.encrypt(randomDataKey(), to: [key.primary])
        #expect(try OpenPGPKeyRing.recipients(of: message).map(\.keyID) == [key.encryptionKeyID])
    }

    @Test func decryptsWithGnuPGsDefaultKeyAsSopsInvokesGPG() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("Default <default@example.invalid>", primaryAlgorithm: nil, encryptionAlgorithm: nil)
        #expect(key.subkeys.count == 1)
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        #expect(ring.keys.map(\.algorithm) == ["RSA 3072", "RSA 3072"])
        let payload = randomDataKey()
        // sops runs `gpg --encrypt -a -r FP` with the data key on standard input.
        let message = try home.gpg(["--encrypt", "-a", "-r", key.primary], input: payload)
        #expect(Array(try ring.decrypt(String(decoding: message, as: UTF8.self))) == payload)
    }

    @Test func decryptsWhenTheEncryptionKeyIsThePrimaryKey() throws {
        let home = try GnuPGHome()
        let userID = "Encrypting primary <encprimary@example.invalid>"
        try home.gpg(["--quick-gen-key", userID, "rsa2048", "sign,encr", "never"])
        let primaryOnly = try home.fingerprints(userID)
        #expect(primaryOnly.count == 1)
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys(primaryOnly)])
        let payload = randomDataKey()
        let message = try home.encrypt(payload, to: primaryOnly)
        #expect(Array(try ring.decrypt(message)) == payload)
    }

    @Test func protectedKeyIsReportedWithItsFingerprintAndNeverTried() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey(
            "Protected <protected@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048",
            passphrase: "correct horse battery staple")
        let exported = try home.exportSecretKeys([key.primary], passphrase: "correct horse battery staple")
        let ring = try OpenPGPKeyRing(armoredKeys: [exported])
        #expect(ring.keys.count == 2)
        #expect(ring.keys.allSatisfy { !$0.canDecrypt && $0.problem?.code == .protectedKey })
        #expect(ring.problems.count == 2)
        #expect(ring.problems.contains { $0.message.contains(key.encryptionSubkey) })

        let message = try home.encrypt(randomDataKey(), to: [key.primary])
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(message) }
        #expect(error?.code == .protectedKey)
        #expect(error?.message.contains(key.encryptionSubkey) == true)
        #expect(error?.message.contains("passphrase") == true)
    }

    @Test func messageToTwoRecipientsDecryptsWithEitherKeyAndNamesBothWhenNoneIsHeld() throws {
        let home = try GnuPGHome()
        let rsa = try home.generateKey("RSA <rsa@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let curve = try home.generateKey("Curve <curve@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let payload = randomDataKey()
        let message = try home.encrypt(payload, to: [rsa.primary, curve.primary])
        let rsaRing = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([rsa.primary])])
        let curveRing = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([curve.primary])])
        #expect(Array(try rsaRing.decrypt(message)) == payload)
        #expect(Array(try curveRing.decrypt(message)) == payload)
        #expect(Set(try OpenPGPKeyRing.recipients(of: message).compactMap(\.keyID)) == [rsa.encryptionKeyID, curve.encryptionKeyID])

        let other = try home.generateKey("Other <other@example.invalid>", primaryAlgorithm: "nistp256", encryptionAlgorithm: "nistp256")
        let otherRing = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([other.primary])])
        let error = #expect(throws: OpenPGPError.self) { try otherRing.decrypt(message) }
        #expect(error?.code == .noMatchingKey)
        for expected in [rsa.encryptionKeyID, curve.encryptionKeyID, other.primary] {
            #expect(error?.message.contains(expected) == true, "\(expected) missing from: \(error?.message ?? "")")
        }
    }

    @Test func keysFromOneArmorBlockSeveralBlocksAndSeveralFilesAllDecrypt() throws {
        let home = try GnuPGHome()
        let first = try home.generateKey("First <first@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let second = try home.generateKey("Second <second@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let third = try home.generateKey("Third <third@example.invalid>", primaryAlgorithm: "nistp256", encryptionAlgorithm: "nistp256")
        let messages = try [first, second, third].map { key in
            let payload = randomDataKey()
            return (payload, try home.encrypt(payload, to: [key.primary]))
        }
        let oneBlock = try home.exportSecretKeys([first.primary, second.primary, third.primary])
        let concatenated = try home.exportSecretKeys([first.primary]) + "\n" + home.exportSecretKeys([second.primary, third.primary])
        let separateFiles = try [first, second, third].map { try home.exportSecretKeys([$0.primary]) }
        for ring in [
            try OpenPGPKeyRing(armoredKeys: [oneBlock]),
            try OpenPGPKeyRing(armoredKeys: [concatenated]),
            try OpenPGPKeyRing(armoredKeys: separateFiles, sourceNames: ["a.asc", "b.asc", "c.asc"]),
            try OpenPGPKeyRing(armoredKeys: separateFiles + [oneBlock]),
        ] {
            #expect(ring.fingerprints == [first.primary, second.primary, third.primary])
            #expect(ring.keys.count == 6)
            for (payload, message) in messages {
                #expect(Array(try ring.decrypt(message)) == payload)
            }
        }
    }

    @Test func binaryKeyExportIsAccepted() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("Binary <binary@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let binary = try home.gpg(["--export-secret-keys", key.primary])
        let ring = try OpenPGPKeyRing(armoredKeys: [binary])
        let payload = randomDataKey()
        #expect(Array(try ring.decrypt(try home.encrypt(payload, to: [key.primary]))) == payload)
    }

    @Test func hiddenRecipientIsFoundByTryingEveryKey() throws {
        let home = try GnuPGHome()
        let decoy = try home.generateKey("Decoy <decoy@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let rsa = try home.generateKey("Hidden <hidden@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let curve = try home.generateKey("Hidden EC <hiddenec@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([decoy.primary, rsa.primary, curve.primary])])
        for key in [rsa, curve] {
            let payload = randomDataKey()
            let message = try home.encrypt(payload, to: [key.primary], options: ["--armor", "--throw-keyids"])
            let recipients = try OpenPGPKeyRing.recipients(of: message)
            #expect(recipients.count == 1 && recipients[0].isAnonymous)
            #expect(Array(try ring.decrypt(message)) == payload)
        }
        let stranger = try home.generateKey("Stranger <stranger@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let hidden = try home.encrypt(randomDataKey(), to: [stranger.primary], options: ["--throw-keyids"])
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(hidden) }
        #expect(error?.code == .decryptionFailed)
        #expect(error?.message.contains("anonymous") == true)
    }

    @Test func sessionCiphersAES128AndAES192DecryptAndCAST5IsRefusedClearly() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("Ciphers <ciphers@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        for cipher in ["AES128", "AES192", "AES256"] {
            let payload = randomDataKey()
            let message = try home.encrypt(payload, to: [key.primary], options: ["--armor", "--cipher-algo", cipher])
            #expect(Array(try ring.decrypt(message)) == payload, "\(cipher)")
        }
        let cast5 = try home.encrypt(randomDataKey(), to: [key.primary], options: ["--cipher-algo", "CAST5"])
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(cast5) }
        #expect(error?.code == .unsupportedAlgorithm)
        #expect(error?.message.contains("CAST5") == true)
    }

    @Test func bzip2CompressedMessageIsRefusedClearly() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("BZip2 <bzip2@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        let message = try home.encrypt(randomDataKey(), to: [key.primary], options: ["--armor", "--compress-algo", "bzip2"])
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(message) }
        #expect(error?.code == .compressionUnsupported)
        #expect(error?.message.contains("BZip2") == true)
    }

    /// Signed-and-encrypted data, a file with a name, and a large payload from standard input (which
    /// gpg frames with partial body lengths for the SEIPD and literal packets).
    @Test func signedStreamedAndFileInputMessagesDecrypt() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("Signer <signer@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        let payload = randomDataKey()
        let signed = try home.gpg(["--sign", "--encrypt", "--armor", "--recipient", key.primary, "--output", "-"], input: payload)
        #expect(Array(try ring.decrypt(signed)) == payload)

        let large = randomDataKey(count: 200_000)
        #expect(Array(try ring.decrypt(try home.encrypt(large, to: [key.primary], options: []))) == large)
        let path = try home.write("data.key", large)
        let fromFile = try home.gpg(["--encrypt", "--recipient", key.primary, "--output", "-", path])
        #expect(Array(try ring.decrypt(fromFile)) == large)
    }

    @Test func subkeyOnlyExportDecryptsAndReportsThePrimaryStub() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("Stub <stub@example.invalid>", primaryAlgorithm: "rsa2048", encryptionAlgorithm: "rsa2048")
        let exported = String(decoding: try home.gpg(["--armor", "--export-secret-subkeys", key.primary]), as: UTF8.self)
        let ring = try OpenPGPKeyRing(armoredKeys: [exported])
        let primary = try #require(ring.keys.first { !$0.isSubkey })
        #expect(primary.problem?.code == .secretKeyUnavailable)
        #expect(primary.problem?.message.contains(key.primary) == true)
        let payload = randomDataKey()
        #expect(Array(try ring.decrypt(try home.encrypt(payload, to: [key.primary]))) == payload)
    }

    @Test func brainpoolKeyIsReportedAsUnsupportedNamingTheSubkey() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey(
            "Brainpool <brainpool@example.invalid>", primaryAlgorithm: "brainpoolP256r1", encryptionAlgorithm: "brainpoolP256r1")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        let subkey = try #require(ring.keys.first { $0.fingerprint == key.encryptionSubkey })
        #expect(subkey.problem?.code == .unsupportedAlgorithm)
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(try home.encrypt(randomDataKey(), to: [key.primary])) }
        #expect(error?.code == .unsupportedAlgorithm)
        #expect(error?.message.contains(key.encryptionSubkey) == true)
        #expect(error?.message.contains("brainpoolP256r1") == true)
    }

    @Test func armorWithCRLFOrWithoutChecksumIsAcceptedAndABadChecksumIsRejected() throws {
        let home = try GnuPGHome()
        let key = try home.generateKey("Armor <armor@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let exported = try home.exportSecretKeys([key.primary])
        let payload = randomDataKey()
        let message = String(decoding: try home.encrypt(payload, to: [key.primary]), as: UTF8.self)

        let crlfRing = try OpenPGPKeyRing(armoredKeys: [exported.replacingOccurrences(of: "\n", with: "\r\n")])
        #expect(Array(try crlfRing.decrypt(message.replacingOccurrences(of: "\n", with: "\r\n"))) == payload)

        let withoutChecksum = { (text: String) in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("=") }.joined(separator: "\n")
        }
        #expect(withoutChecksum(message) != message)
        let noChecksumRing = try OpenPGPKeyRing(armoredKeys: [withoutChecksum(exported)])
        #expect(Array(try noChecksumRing.decrypt(withoutChecksum(message))) == payload)

        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let checksumIndex = try #require(lines.firstIndex { $0.hasPrefix("=") })
        lines[checksumIndex] = lines[checksumIndex] == "=AAAA" ? "=AAAB" : "=AAAA"
        let error = #expect(throws: OpenPGPError.self) { try noChecksumRing.decrypt(lines.joined(separator: "\n")) }
        #expect(error?.code == .malformedArmor)
        #expect(error?.message.contains("CRC24") == true)
    }
}
