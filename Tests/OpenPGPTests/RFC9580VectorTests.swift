import CryptoPrimitives
import Testing
import TestSupport

@testable import OpenPGP

/// Test vectors typed in from RFC 9580 Appendix A (A.3 sample v6 certificate, A.4 sample v6 secret key,
/// A.8 X25519-AEAD-OCB message, A.9-A.11 SEIPD v2 packets with their session keys) and from the
/// LibrePGP draft (draft-koch-librepgp, "Sample OCB encryption and decryption": an OCB Encrypted
/// Data packet, tag 20, with its content-encryption key).
enum RFC9580Vectors {
    /// RFC 9580 A.4, "Sample v6 Secret Key (Transferable Secret Key)".
    static let v6SecretKey = """
        -----BEGIN PGP PRIVATE KEY BLOCK-----

        xUsGY4d/4xsAAAAg+U2nu0jWCmHlZ3BqZYfQMxmZu52JGggkLq2EVD34laMAGXKB
        exK+cH6NX1hs5hNhIB00TrJmosgv3mg1ditlsLfCsQYfGwoAAABCBYJjh3/jAwsJ
        BwUVCg4IDAIWAAKbAwIeCSIhBssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce6
        2azJBScJAgcCAAAAAK0oIBA+LX0ifsDm185Ecds2v8lwgyU2kCcUmKfvBXbAf6rh
        RYWzuQOwEn7E/aLwIwRaLsdry0+VcallHhSu4RN6HWaEQsiPlR4zxP/TP7mhfVEe
        7XWPxtnMUMtf15OyA51YBMdLBmOHf+MZAAAAIIaTJINn+eUBXbki+PSAld2nhJh/
        LVmFsS+60WyvXkQ1AE1gCk95TUR3XFeibg/u/tVY6a//1q0NWC1X+yui3O24wpsG
        GBsKAAAALAWCY4d/4wKbDCIhBssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce6
        2azJAAAAAAQBIKbpGG2dWTX8j+VjFM21J0hqWlEg+bdiojWnKfA5AQpWUWtnNwDE
        M0g12vYxoWM8Y81W+bHBw805I8kWVkXU6vFOi+HWvv/ira7ofJu16NnoUkhclkUr
        k0mXubZvyl4GBg==
        -----END PGP PRIVATE KEY BLOCK-----
        """

    /// RFC 9580 A.3, "Sample v6 Certificate (Transferable Public Key)".
    static let v6Certificate = """
        -----BEGIN PGP PUBLIC KEY BLOCK-----

        xioGY4d/4xsAAAAg+U2nu0jWCmHlZ3BqZYfQMxmZu52JGggkLq2EVD34laPCsQYf
        GwoAAABCBYJjh3/jAwsJBwUVCg4IDAIWAAKbAwIeCSIhBssYbE8GCaaX5NUt+mxy
        KwwfHifBilZwj2Ul7Ce62azJBScJAgcCAAAAAK0oIBA+LX0ifsDm185Ecds2v8lw
        gyU2kCcUmKfvBXbAf6rhRYWzuQOwEn7E/aLwIwRaLsdry0+VcallHhSu4RN6HWaE
        QsiPlR4zxP/TP7mhfVEe7XWPxtnMUMtf15OyA51YBM4qBmOHf+MZAAAAIIaTJINn
        +eUBXbki+PSAld2nhJh/LVmFsS+60WyvXkQ1wpsGGBsKAAAALAWCY4d/4wKbDCIh
        BssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce62azJAAAAAAQBIKbpGG2dWTX8
        j+VjFM21J0hqWlEg+bdiojWnKfA5AQpWUWtnNwDEM0g12vYxoWM8Y81W+bHBw805
        I8kWVkXU6vFOi+HWvv/ira7ofJu16NnoUkhclkUrk0mXubZvyl4GBg==
        -----END PGP PUBLIC KEY BLOCK-----
        """

    static let primaryFingerprint = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9"
    static let subkeyFingerprint = "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885"
    /// The subkey's X25519 secret (A.8), to check that it never appears in error messages.
    static let subkeySecretHex = "4d600a4f794d44775c57a26e0feefed558e9afffd6ad0d582d57fb2ba2dcedb8"

    /// RFC 9580 A.8, "Complete X25519-AEAD-OCB encrypted packet sequence".
    static let x25519OCBMessage = """
        -----BEGIN PGP MESSAGE-----

        wV0GIQYSyD8ecG9jCP4VGkF3Q6HwM3kOk+mXhIjR2zeNqZMIhRmHzxjV8bU/gXzO
        WgBM85PMiVi93AZfJfhK9QmxfdNnZBjeo1VDeVZheQHgaVf7yopqR6W1FT6NOrfS
        aQIHAgZhZBZTW+CwcW1g4FKlbExAf56zaw76/prQoN+bAzxpohup69LA7JW/Vp0l
        yZnuSj3hcFj0DfqLTGgr4/u717J+sPWbtQBfgMfG9AOIwwrUBqsFE9zW+f1zdlYo
        bhF30A+IitsxxA==
        -----END PGP MESSAGE-----
        """

    /// RFC 9580 A.9.3 (AEAD-OCB) v2 SEIPD packet and A.9.2's decrypted session key.
    static let seipdOCB = hex("""
        d2 69 02 07 02 06 20 a6 61 f7 31 fc 9a 30 32 b5 62 33 26 02 7e 3a 5d 8d b5 74 8e be ff 0b 0c 59
        10 d0 9e cd d6 41 ff 9f d3 85 62 75 80 35 bc 49 75 4c e1 bf 3f ff a7 da d0 a3 b8 10 4f 51 33 cf
        42 a4 10 0a 83 ee f4 ca 1b 48 01 a8 84 6b f4 2b cd a7 c8 ce 9d 65 e2 12 f3 01 cb cd 98 fd ca de
        69 4a 87 7a d4 24 73 23 f6 e8 57
        """)
    static let seipdOCBSessionKey = hex("28 e7 9a b8 23 97 d3 c6 3d e2 4a c2 17 d7 b7 91")
    /// RFC 9580 A.9.1 (AEAD-OCB) v6 SKESK packet: passphrase-only messages are refused.
    static let skeskOCB = hex("""
        c3 3f 06 1d 07 02 0b 03 08 56 a2 98 d2 f5 e3 64 53 ff cf cc 5c 11 66 4e db 9d b4 25 90 d7 dc 46
        b0 72 41 b6 12 c3 81 2c ff fb ea 00 f2 34 7b 25 64 11 23 f8 87 ae 60 d4 fd 61 4e 08 37 d8 19 d3 6c
        """)

    /// RFC 9580 A.10.3 (AEAD-GCM) v2 SEIPD packet and A.10.2's decrypted session key.
    static let seipdGCM = hex("""
        d2 69 02 07 03 06 fc b9 44 90 bc b9 8b bd c9 d1 06 c6 09 02 66 94 0f 72 e8 9e dc 21 b5 59 6b 15
        76 b1 01 ed 0f 9f fc 6f c6 d6 5b bf d2 4d cd 07 90 96 6e 6d 1e 85 a3 00 53 78 4c b1 d8 b6 a0 69
        9e f1 21 55 a7 b2 ad 62 58 53 1b 57 65 1f d7 77 79 12 fa 95 e3 5d 9b 40 21 6f 69 a4 c2 48 db 28
        ff 43 31 f1 63 29 07 39 9e 6f f9
        """)
    static let seipdGCMSessionKey = hex("19 36 fc 85 68 98 02 74 bb 90 0d 83 19 36 0c 77")

    /// RFC 9580 A.8.3 (AEAD-EAX) v2 SEIPD packet and its session key: EAX is refused clearly.
    static let seipdEAX = hex("""
        d2 69 02 07 01 06 9f f9 0e 3b 32 19 64 f3 a4 29 13 c8 dc c6 61 93 25 01 52 27 ef b7 ea ea a4 9f
        04 c2 e6 74 17 5d 4a 3d 22 6e d6 af cb 9c a9 ac 12 2c 14 70 e1 1c 63 d4 c0 ab 24 1c 6a 93 8a d4
        8b f9 9a 5a 99 b9 0b ba 83 25 de 61 04 75 40 25 8a b7 95 9a 95 ad 05 1d da 96 eb 15 43 1d fe f5
        f5 e2 25 5c a7 82 61 54 6e 33 9a
        """)
    static let seipdEAXSessionKey = hex("38 81 ba fe 98 54 12 45 9b 86 c3 6f 98 cb 9a 5e")

    /// LibrePGP draft, "Sample OCB Encrypted Data packet" (tag 20, AES-128, chunk octet 14) and its CEK.
    static let librePGPOCBEncryptedData = hex("""
        d4 49 01 07 02 0e 5e d2 bc 1e 47 0a be 8f 1d 64 4c 7a 6c 8a 56 7b 0f 77 01 19 66 11 a1 54 ba 9c
        25 74 cd 05 62 84 a8 ef 68 03 5c 62 3d 93 cc 70 8a 43 21 1b b6 ea f2 b2 7f 7c 18 d5 71 bc d8 3b
        20 ad d3 a0 8b 73 af 15 b9 a0 98
        """)
    static let librePGPOCBKey = hex("d1 f0 1b a3 0e 13 0a a7 d2 58 2c 16 e0 50 ae 44")
}

@Suite struct RFC9580VectorTests {
    @Test func sampleV6SecretKeyHasTheFingerprintsTheRFCStates() throws {
        let ring = try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.v6SecretKey])
        #expect(ring.fingerprints == [RFC9580Vectors.primaryFingerprint])
        let keys = ring.keys
        #expect(keys.map(\.fingerprint) == [RFC9580Vectors.primaryFingerprint, RFC9580Vectors.subkeyFingerprint])
        #expect(keys.map(\.version) == [6, 6])
        #expect(keys[0].algorithm == "Ed25519" && !keys[0].canDecrypt)
        #expect(keys[1].algorithm == "X25519" && keys[1].canDecrypt && keys[1].isSubkey)
        #expect(keys[1].keyID == String(RFC9580Vectors.subkeyFingerprint.prefix(16)))
        #expect(ring.problems.isEmpty)
    }

    @Test func sampleX25519OCBMessageDecryptsToHelloWorld() throws {
        let ring = try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.v6SecretKey])
        let plaintext = try ring.decrypt(RFC9580Vectors.x25519OCBMessage)
        #expect(Array(plaintext) == Array("Hello, world!".utf8))
        let recipients = try OpenPGPKeyRing.recipients(of: Array(RFC9580Vectors.x25519OCBMessage.utf8))
        #expect(recipients == [OpenPGPRecipient(
            keyID: nil, fingerprint: RFC9580Vectors.subkeyFingerprint, algorithm: "X25519", isAnonymous: false)])
    }

    @Test func publicCertificateAloneIsReportedAsHoldingNoSecretKeys() throws {
        let ring = try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.v6Certificate], sourceNames: ["cert.asc"])
        #expect(ring.keys.isEmpty)
        #expect(ring.problems.map(\.code) == [.secretKeyUnavailable])
        #expect(ring.problems.first?.message.contains("cert.asc") == true)
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(RFC9580Vectors.x25519OCBMessage) }
        #expect(error?.code == .noMatchingKey)
        #expect(error?.message.contains(RFC9580Vectors.subkeyFingerprint) == true)
    }

    @Test func seipdVersion2OCBPacketDecryptsWithTheSampleSessionKey() throws {
        let plaintext = try decryptContainer(RFC9580Vectors.seipdOCB, key: RFC9580Vectors.seipdOCBSessionKey, algorithm: nil)
        #expect(Array(plaintext) == Array("Hello, world!".utf8))
    }

    @Test func seipdVersion2GCMPacketDecryptsWithTheSampleSessionKey() throws {
        let plaintext = try decryptContainer(RFC9580Vectors.seipdGCM, key: RFC9580Vectors.seipdGCMSessionKey, algorithm: nil)
        #expect(Array(plaintext) == Array("Hello, world!".utf8))
    }

    @Test func seipdVersion2WithWrongSessionKeyFailsTheIntegrityCheck() throws {
        var wrong = RFC9580Vectors.seipdGCMSessionKey
        wrong[0] ^= 1
        let error = #expect(throws: OpenPGPError.self) {
            try decryptContainer(RFC9580Vectors.seipdGCM, key: wrong, algorithm: nil)
        }
        #expect(error?.code == .integrityCheckFailed)
    }

    @Test func seipdVersion2EAXIsRefusedClearly() throws {
        let error = #expect(throws: OpenPGPError.self) {
            try decryptContainer(RFC9580Vectors.seipdEAX, key: RFC9580Vectors.seipdEAXSessionKey, algorithm: nil)
        }
        #expect(error?.code == .unsupportedAlgorithm)
        #expect(error?.message.contains("EAX") == true)
    }

    @Test func passphraseOnlyMessageIsRefusedClearly() throws {
        let ring = try OpenPGPKeyRing(armoredKeys: [RFC9580Vectors.v6SecretKey])
        let error = #expect(throws: OpenPGPError.self) {
            try ring.decrypt(RFC9580Vectors.skeskOCB + RFC9580Vectors.seipdOCB)
        }
        #expect(error?.code == .unsupportedPacket)
        #expect(error?.message.contains("passphrase") == true)
    }

    @Test func librePGPOCBEncryptedDataPacketDecryptsWithTheSampleKey() throws {
        let plaintext = try decryptContainer(
            RFC9580Vectors.librePGPOCBEncryptedData, key: RFC9580Vectors.librePGPOCBKey, algorithm: .aes128)
        #expect(Array(plaintext) == Array("Hello, world!\n".utf8))
    }

    @Test func librePGPOCBEncryptedDataWithAFlippedBitFailsTheIntegrityCheck() throws {
        for position in [6, 30, RFC9580Vectors.librePGPOCBEncryptedData.count - 1] {
            var packet = RFC9580Vectors.librePGPOCBEncryptedData
            packet[position] ^= 0x20
            let error = #expect(throws: OpenPGPError.self) {
                try decryptContainer(packet, key: RFC9580Vectors.librePGPOCBKey, algorithm: .aes128)
            }
            #expect(error?.code == .integrityCheckFailed)
        }
    }

    private func decryptContainer(_ packetBytes: [UInt8], key: [UInt8], algorithm: SymmetricAlgorithm?) throws -> SecureBytes {
        var reader = PacketReader(SecureBytes(packetBytes))
        let packet = try #require(try reader.next())
        let container = try EncryptedContainer.parse(packet)
        let content = try container.decrypt(with: SessionKey(algorithm: algorithm, key: SecureBytes(key)))
        return try LiteralContent.extract(from: content)
    }
}
