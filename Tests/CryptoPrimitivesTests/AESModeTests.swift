import CryptoPrimitives
import Testing

/// NIST SP 800-38A F.3.13-F.3.18 (CFB128) and RFC 3394 §4 (AES key wrap).
@Suite struct AESCFBTests {
    static let iv = hex("000102030405060708090a0b0c0d0e0f")
    static let plaintext = hex("""
        6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
        30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710
        """)

    @Test("CFB128 encrypt and decrypt match SP 800-38A F.3.13/F.3.14 (AES-128), F.3.15/16 (AES-192), F.3.17/18 (AES-256)", arguments: [
        ("2b7e151628aed2a6abf7158809cf4f3c",
         "3b3fd92eb72dad20333449f8e83cfb4a c8a64537a0b3a93fcde3cdad9f1ce58b 26751f67a3cbb140b1808cf187a4f4df c04b05357c5d1c0eeac4c66f9ff7f2e6"),
        ("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
         "cdc80d6fddf18cab34c25909c99a4174 67ce7f7f81173621961a2b70171d3d7a 2e1e8a1dd59b88b1c8e60fed1efac4c9 c05f9f9ca9834fa042ae8fba584b09ff"),
        ("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
         "dc7e84bfda79164b7ecd8486985d3860 39ffed143b28b1c832113c6331e5407b df10132415e54b92a13ed0a8267ae2f9 75a385741ab9cef82031623d55b1e471"),
    ])
    func nistVectors(key: String, ciphertext: String) throws {
        #expect(try AESCFB.encrypt(key: hex(key), iv: Self.iv, plaintext: Self.plaintext) == hex(ciphertext))
        #expect(Array(try AESCFB.decrypt(key: hex(key), iv: Self.iv, ciphertext: hex(ciphertext))) == Self.plaintext)
    }

    @Test("CFB128 handles a partial final block (OpenPGP data is not block aligned)")
    func partialBlock() throws {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c")
        let ciphertext = try AESCFB.encrypt(key: key, iv: Self.iv, plaintext: Self.plaintext.prefix(21))
        #expect(ciphertext == hex("3b3fd92eb72dad20333449f8e83cfb4a c8a64537a0"))
        #expect(Array(try AESCFB.decrypt(key: key, iv: Self.iv, ciphertext: ciphertext)) == Array(Self.plaintext.prefix(21)))
        expectCryptoError(.invalidNonceLength) { try AESCFB.encrypt(key: key, iv: [0], plaintext: [UInt8]()) }
    }
}

@Suite struct AESKeyWrapTests {
    @Test("wrap and unwrap match RFC 3394 §4.1-4.6", arguments: [
        ("000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
         "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5"),
        ("000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF",
         "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D"),
        ("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF",
         "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7"),
        ("000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF0001020304050607",
         "031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2"),
        ("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF0001020304050607",
         "A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1"),
        ("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
         "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
         "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21"),
    ])
    func rfc3394(kek: String, keyData: String, wrapped: String) throws {
        #expect(try AESKeyWrap.wrap(hex(keyData), kek: hex(kek)) == hex(wrapped))
        #expect(Array(try AESKeyWrap.unwrap(hex(wrapped), kek: hex(kek))) == hex(keyData))
    }

    @Test("unwrapping with the wrong KEK or tampered data fails the integrity check")
    func integrity() {
        let kek = hex("000102030405060708090A0B0C0D0E0F")
        var wrapped = hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")
        expectCryptoError(.authenticationFailed) { try AESKeyWrap.unwrap(wrapped, kek: hex("000102030405060708090A0B0C0D0E0E")) }
        wrapped[10] ^= 1
        expectCryptoError(.authenticationFailed) { try AESKeyWrap.unwrap(wrapped, kek: kek) }
        expectCryptoError(.invalidInput) { try AESKeyWrap.unwrap(wrapped.prefix(20), kek: kek) }
        expectCryptoError(.invalidInput) { try AESKeyWrap.wrap([UInt8](repeating: 1, count: 12), kek: kek) }
    }
}
