import CryptoPrimitives
import Testing

/// FIPS 180-4 examples (NIST "Cryptographic Standards and Guidelines: Examples with Intermediate Values").
@Suite struct HashTests {
    static let abc = Array("abc".utf8)
    static let twoBlock = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)

    @Test("SHA-1/224/256/384/512 and SHA-512/256 match the FIPS 180 \"abc\" examples", arguments: [
        (HashAlgorithm.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
        (.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        (.sha512_256, "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"),
    ])
    func abcExamples(algorithm: HashAlgorithm, expected: String) throws {
        let digest = try Hash.compute(algorithm, Self.abc)
        #expect(digest == hex(expected))
        #expect(digest.count == algorithm.outputByteCount)
    }

    @Test("two-block FIPS 180 messages hash correctly (SHA-1, SHA-256)")
    func twoBlockExamples() throws {
        #expect(try Hash.compute(.sha1, Self.twoBlock) == hex("84983e441c3bd26ebaae4aa1f95129e5e54670f1"))
        #expect(try Hash.compute(.sha256, Self.twoBlock) == hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
    }

    @Test("incremental hashing of one million 'a' in pieces matches the FIPS 180 SHA-256 example")
    func incrementalMillionA() throws {
        let hasher = try IncrementalHash(.sha256)
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { try hasher.update(piece) }
        #expect(try hasher.finalize() == hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"))
        #expect(throws: CryptoError.self) { try hasher.finalize() }
    }

    @Test("hashing non-contiguous collections gives the same digest")
    func nonContiguousInput() throws {
        let lazy = Self.abc.lazy.map { $0 }
        #expect(try Hash.compute(.sha256, lazy) == Hash.compute(.sha256, Self.abc))
    }
}

/// RFC 4231 HMAC-SHA-2 test cases.
@Suite struct HMACTests {
    @Test("RFC 4231 test case 1 for HMAC-SHA-224/256/384/512", arguments: [
        (HashAlgorithm.sha224, "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"),
        (.sha256, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (.sha384, "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"),
        (.sha512, "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
    ])
    func testCase1(algorithm: HashAlgorithm, expected: String) throws {
        let mac = try HMAC.compute(algorithm, key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(mac == hex(expected))
    }

    @Test("RFC 4231 test case 2 (short key 'Jefe')")
    func testCase2() throws {
        let key = Array("Jefe".utf8)
        let message = Array("what do ya want for nothing?".utf8)
        #expect(try HMAC.compute(.sha256, key: key, message: message)
            == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        #expect(try HMAC.compute(.sha512, key: key, message: message)
            == hex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"))
    }

    @Test("RFC 4231 test cases 6 and 7 (key longer than the block size)")
    func longKey() throws {
        let key = [UInt8](repeating: 0xaa, count: 131)
        #expect(try HMAC.compute(.sha256, key: key, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            == hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
        let message = "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
        #expect(try HMAC.compute(.sha256, key: key, message: Array(message.utf8))
            == hex("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"))
    }
}
