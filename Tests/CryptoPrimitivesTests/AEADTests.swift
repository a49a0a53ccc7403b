import CryptoPrimitives
import Testing

/// RFC 8439 §2.8.2 (ChaCha20-Poly1305).
@Suite struct ChaCha20Poly1305Tests {
    static let key = Array<UInt8>(0x80...0x9f)
    static let nonce = hex("07000000 4041424344454647")
    static let aad = hex("50515253c0c1c2c3c4c5c6c7")
    static let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
    static let ciphertext = hex("""
        d3 1a 8d 34 64 8e 60 db 7b 86 af bc 53 ef 7e c2 a4 ad ed 51 29 6e 08 fe a9 e2 b5 a7 36 ee 62 d6
        3d be a4 5e 8c a9 67 12 82 fa fb 69 da 92 72 8b 1a 71 de 0a 9e 06 0b 29 05 d6 a5 b6 7e cd 3b 36
        92 dd bd 7f 2d 77 8b 8c 98 03 ae e3 28 09 1b 58 fa b3 24 e4 fa d6 75 94 55 85 80 8b 48 31 d7 bc
        3f f4 de f0 8e 4b 7a 9d e5 76 d2 65 86 ce c6 4b 61 16
        """)
    static let tag = hex("1a:e1:0b:59:4f:09:e2:6a:7e:90:2e:cb:d0:60:06:91")

    @Test("seal matches RFC 8439 §2.8.2")
    func seal() throws {
        let box = try ChaCha20Poly1305.seal(key: Self.key, nonce: Self.nonce, plaintext: Self.plaintext, additionalData: Self.aad)
        #expect(box.ciphertext == Self.ciphertext)
        #expect(box.tag == Self.tag)
    }

    @Test("open recovers the RFC 8439 §2.8.2 plaintext")
    func open() throws {
        let plaintext = try ChaCha20Poly1305.open(
            key: Self.key, nonce: Self.nonce, ciphertext: Self.ciphertext, tag: Self.tag, additionalData: Self.aad)
        #expect(Array(plaintext) == Self.plaintext)
    }

    @Test("a flipped bit in ciphertext, tag, nonce or additional data fails authentication")
    func tampering() {
        var ciphertext = Self.ciphertext
        ciphertext[7] ^= 1
        expectCryptoError(.authenticationFailed) {
            try ChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertext: ciphertext, tag: Self.tag, additionalData: Self.aad)
        }
        var tag = Self.tag
        tag[15] ^= 0x80
        expectCryptoError(.authenticationFailed) {
            try ChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertext: Self.ciphertext, tag: tag, additionalData: Self.aad)
        }
        var nonce = Self.nonce
        nonce[0] ^= 1
        expectCryptoError(.authenticationFailed) {
            try ChaCha20Poly1305.open(key: Self.key, nonce: nonce, ciphertext: Self.ciphertext, tag: Self.tag, additionalData: Self.aad)
        }
        expectCryptoError(.authenticationFailed) {
            try ChaCha20Poly1305.open(key: Self.key, nonce: Self.nonce, ciphertext: Self.ciphertext, tag: Self.tag)
        }
    }

    @Test("empty plaintext round-trips and sizes are checked")
    func emptyAndSizes() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let nonce = [UInt8](repeating: 0, count: 12)
        let box = try ChaCha20Poly1305.seal(key: key, nonce: nonce, plaintext: [UInt8]())
        #expect(box.ciphertext.isEmpty && box.tag.count == 16)
        #expect(try ChaCha20Poly1305.open(key: key, nonce: nonce, ciphertext: box.ciphertext, tag: box.tag).isEmpty)
        expectCryptoError(.invalidKeyLength) { try ChaCha20Poly1305.seal(key: [1, 2], nonce: nonce, plaintext: [UInt8]()) }
        expectCryptoError(.invalidNonceLength) { try ChaCha20Poly1305.seal(key: key, nonce: [1], plaintext: [UInt8]()) }
        expectCryptoError(.invalidTagLength) { try ChaCha20Poly1305.open(key: key, nonce: nonce, ciphertext: [UInt8](), tag: [1]) }
    }
}

/// The GCM specification test cases (McGrew & Viega, "The Galois/Counter Mode of Operation", Appendix B;
/// the same vectors appear in NIST's GCM validation material).
@Suite struct AESGCMTests {
    static let k3 = "feffe9928665731c6d6a8f9467308308"
    static let p3 = """
        d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
        1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
        """
    static let p4 = String(p3.prefix(120))
    static let a4 = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
    static let iv60 = """
        9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728\
        c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b
        """

    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String, key: String, plaintext: String, iv: String, aad: String, ciphertext: String, tag: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "test case 1", key: String(repeating: "0", count: 32), plaintext: "", iv: String(repeating: "0", count: 24),
               aad: "", ciphertext: "", tag: "58e2fccefa7e3061367f1d57a4e7455a"),
        Vector(name: "test case 2", key: String(repeating: "0", count: 32), plaintext: String(repeating: "0", count: 32),
               iv: String(repeating: "0", count: 24), aad: "", ciphertext: "0388dace60b6a392f328c2b971b2fe78",
               tag: "ab6e47d42cec13bdf53a67b21257bddf"),
        Vector(name: "test case 3", key: k3, plaintext: p3, iv: "cafebabefacedbaddecaf888", aad: "",
               ciphertext: "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
               tag: "4d5c2af327cd64a62cf35abd2ba6fab4"),
        Vector(name: "test case 4", key: k3, plaintext: p4, iv: "cafebabefacedbaddecaf888", aad: a4,
               ciphertext: "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
               tag: "5bc94fbc3221a5db94fae95ae7121a47"),
        Vector(name: "test case 5 (8-byte IV)", key: k3, plaintext: p4, iv: "cafebabefacedbad", aad: a4,
               ciphertext: "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
               tag: "3612d2e79e3b0785561be14aaca2fccb"),
        Vector(name: "test case 6 (60-byte IV)", key: k3, plaintext: p4, iv: iv60, aad: a4,
               ciphertext: "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
               tag: "619cc5aefffe0bfa462af43c1699d050"),
        Vector(name: "test case 7 (AES-192)", key: String(repeating: "0", count: 48), plaintext: "", iv: String(repeating: "0", count: 24),
               aad: "", ciphertext: "", tag: "cd33b28ac773f74ba00ed1f312572435"),
        Vector(name: "test case 10 (AES-192)", key: k3 + "feffe9928665731c", plaintext: p4, iv: "cafebabefacedbaddecaf888", aad: a4,
               ciphertext: "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
               tag: "2519498e80f1478f37ba55bd6d27618c"),
        Vector(name: "test case 13 (AES-256)", key: String(repeating: "0", count: 64), plaintext: "", iv: String(repeating: "0", count: 24),
               aad: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(name: "test case 14 (AES-256)", key: String(repeating: "0", count: 64), plaintext: String(repeating: "0", count: 32),
               iv: String(repeating: "0", count: 24), aad: "", ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
               tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(name: "test case 16 (AES-256)", key: k3 + k3, plaintext: p4, iv: "cafebabefacedbaddecaf888", aad: a4,
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
               tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
        Vector(name: "test case 18 (AES-256, 60-byte IV)", key: k3 + k3, plaintext: p4, iv: iv60, aad: a4,
               ciphertext: "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf40fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
               tag: "a44a8266ee1c8eb0c8b5d4cf5ae9f19a"),
    ]

    @Test("AES-GCM seal and open match the GCM specification test cases", arguments: vectors)
    func specificationTestCases(vector: Vector) throws {
        let box = try AESGCM.seal(key: hex(vector.key), nonce: hex(vector.iv), plaintext: hex(vector.plaintext), additionalData: hex(vector.aad))
        #expect(box.ciphertext == hex(vector.ciphertext))
        #expect(box.tag == hex(vector.tag))
        let opened = try AESGCM.open(
            key: hex(vector.key), nonce: hex(vector.iv), ciphertext: hex(vector.ciphertext), tag: hex(vector.tag),
            additionalData: hex(vector.aad))
        #expect(Array(opened) == hex(vector.plaintext))
    }

    @Test("AES-256-GCM with SOPS' 32-byte IV round-trips, and tampering is detected")
    func sopsIVLength() throws {
        let key = try SecureBytes.random(count: 32)
        let iv = try SecureRandom.bytes(count: 32)
        let aad = Array("data:password:".utf8)
        let box = try AESGCM.seal(key: key, nonce: iv, plaintext: Array("hunter2".utf8), additionalData: aad)
        #expect(Array(try AESGCM.open(key: key, nonce: iv, ciphertext: box.ciphertext, tag: box.tag, additionalData: aad)) == Array("hunter2".utf8))
        var tag = box.tag
        tag[0] ^= 1
        expectCryptoError(.authenticationFailed) { try AESGCM.open(key: key, nonce: iv, ciphertext: box.ciphertext, tag: tag, additionalData: aad) }
        var ciphertext = box.ciphertext
        ciphertext[3] ^= 4
        expectCryptoError(.authenticationFailed) { try AESGCM.open(key: key, nonce: iv, ciphertext: ciphertext, tag: box.tag, additionalData: aad) }
        expectCryptoError(.authenticationFailed) { try AESGCM.open(key: key, nonce: iv, ciphertext: box.ciphertext, tag: box.tag, additionalData: Array("data:other:".utf8)) }
        expectCryptoError(.invalidTagLength) { try AESGCM.open(key: key, nonce: iv, ciphertext: box.ciphertext, tag: box.tag.prefix(12)) }
        expectCryptoError(.invalidKeyLength) { try AESGCM.seal(key: [UInt8](repeating: 0, count: 20), nonce: iv, plaintext: [UInt8]()) }
    }
}

/// RFC 7253 Appendix A (AES-OCB).
@Suite struct AESOCBTests {
    static let key = hex("000102030405060708090A0B0C0D0E0F")

    @Test("AES-128-OCB matches the RFC 7253 Appendix A sample results", arguments: [
        ("BBAA99887766554433221100", "", "", "785407BFFFC8AD9EDCC5520AC9111EE6"),
        ("BBAA99887766554433221101", "0001020304050607", "0001020304050607", "6820B3657B6F615A5725BDA0D3B4EB3A257C9AF1F8F03009"),
        ("BBAA99887766554433221102", "0001020304050607", "", "81017F8203F081277152FADE694A0A00"),
        ("BBAA99887766554433221103", "", "0001020304050607", "45DD69F8F5AAE72414054CD1F35D82760B2CD00D2F99BFA9"),
        ("BBAA99887766554433221104", "000102030405060708090A0B0C0D0E0F", "000102030405060708090A0B0C0D0E0F",
         "571D535B60B277188BE5147170A9A22C3AD7A4FF3835B8C5701C1CCEC8FC3358"),
        ("BBAA99887766554433221105", "000102030405060708090A0B0C0D0E0F", "", "8CF761B6902EF764462AD86498CA6B97"),
        ("BBAA99887766554433221106", "", "000102030405060708090A0B0C0D0E0F",
         "5CE88EC2E0692706A915C00AEB8B2396F40E1C743F52436BDF06D8FA1ECA343D"),
    ])
    func sampleResults(nonce: String, aad: String, plaintext: String, expected: String) throws {
        let box = try AESOCB.seal(key: Self.key, nonce: hex(nonce), plaintext: hex(plaintext), additionalData: hex(aad))
        #expect(box.combined == hex(expected))
        let opened = try AESOCB.open(key: Self.key, nonce: hex(nonce), ciphertext: box.ciphertext, tag: box.tag, additionalData: hex(aad))
        #expect(Array(opened) == hex(plaintext))
    }

    @Test("AES-128-OCB with a 96-bit tag matches the last RFC 7253 Appendix A sample")
    func shortTag() throws {
        let key = hex("0F0E0D0C0B0A09080706050403020100")
        let nonce = hex("BBAA9988776655443322110D")
        let data = Array<UInt8>(0x00...0x27)
        let box = try AESOCB.seal(key: key, nonce: nonce, plaintext: data, additionalData: data, tagByteCount: 12)
        #expect(box.combined == hex("""
            1792A4E31E0755FB03E31B22116E6C2DDF9EFD6E33D536F1A0124B0A55BAE884ED93481529C76B6AD0C515F4D1CDD4FDAC4F02AA
            """))
        #expect(Array(try AESOCB.open(key: key, nonce: nonce, ciphertext: box.ciphertext, tag: box.tag, additionalData: data)) == data)
    }

    @Test("AES-256-OCB with OpenPGP's 15-byte nonce round-trips; tampering fails", arguments: [16, 24, 32])
    func openPGPNonce(keyByteCount: Int) throws {
        let key = try SecureBytes.random(count: keyByteCount)
        let nonce = try SecureRandom.bytes(count: 15)
        let aad = hex("d401090240000000000000000000")
        let plaintext = try SecureRandom.bytes(count: 1000)
        let box = try AESOCB.seal(key: key, nonce: nonce, plaintext: plaintext, additionalData: aad)
        #expect(box.tag.count == 16)
        #expect(Array(try AESOCB.open(key: key, nonce: nonce, ciphertext: box.ciphertext, tag: box.tag, additionalData: aad)) == plaintext)
        var ciphertext = box.ciphertext
        ciphertext[999] ^= 1
        expectCryptoError(.authenticationFailed) { try AESOCB.open(key: key, nonce: nonce, ciphertext: ciphertext, tag: box.tag, additionalData: aad) }
        var tag = box.tag
        tag[5] ^= 1
        expectCryptoError(.authenticationFailed) { try AESOCB.open(key: key, nonce: nonce, ciphertext: box.ciphertext, tag: tag, additionalData: aad) }
        expectCryptoError(.invalidNonceLength) { try AESOCB.seal(key: key, nonce: [UInt8](repeating: 0, count: 16), plaintext: plaintext) }
    }
}
