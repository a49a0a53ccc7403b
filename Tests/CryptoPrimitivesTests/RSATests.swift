import CryptoPrimitives
import Foundation
import Testing

/// RSA PKCS#1 v1.5 decryption and signing, cross-checked against the real `openssl` CLI.
@Suite struct RSATests {
    /// A 2048-bit key made by `openssl genpkey`, with its components read back from `openssl pkey -text`.
    struct GeneratedKey {
        let scratch: ScratchDirectory
        let pem: String
        let components: [String: [UInt8]]

        init(bits: Int = 2048) throws {
            scratch = try ScratchDirectory()
            try runTool("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)", "-out", scratch.path("key.pem")])
            try runTool("openssl", ["pkey", "-in", scratch.path("key.pem"), "-pubout", "-out", scratch.path("public.pem")])
            pem = String(decoding: try scratch.read("key.pem"), as: UTF8.self)
            let dump = try runTool("openssl", ["pkey", "-in", scratch.path("key.pem"), "-text", "-noout"])
            components = parseKeyTextDump(String(decoding: dump, as: UTF8.self))
        }

        func privateKey() throws -> RSAPrivateKey {
            try RSAPrivateKey(
                modulus: components["modulus"]!, publicExponent: components["publicExponent"]!,
                privateExponent: components["privateExponent"]!, prime1: components["prime1"]!, prime2: components["prime2"]!)
        }
    }

    @Test("a key built from raw n, e, d, p, q decrypts what `openssl pkeyutl -encrypt` (PKCS#1 v1.5) produced")
    func decryptsOpenSSLCiphertext() throws {
        let generated = try GeneratedKey()
        let key = try generated.privateKey()
        #expect(key.modulusByteCount == 256)
        for length in [1, 32, 33, 200] {
            let message = try SecureRandom.bytes(count: length)
            try generated.scratch.write("message", message)
            try runTool("openssl", [
                "pkeyutl", "-encrypt", "-pubin", "-inkey", generated.scratch.path("public.pem"),
                "-pkeyopt", "rsa_padding_mode:pkcs1", "-in", generated.scratch.path("message"), "-out", generated.scratch.path("ciphertext"),
            ])
            let ciphertext = try generated.scratch.read("ciphertext")
            #expect(Array(try key.decryptPKCS1v15(ciphertext)) == message)
            // OpenPGP MPIs drop leading zero bytes; the key left-pads them back.
            let stripped = Array(ciphertext.drop(while: { $0 == 0 }))
            #expect(Array(try key.decryptPKCS1v15(stripped)) == message)
        }
    }

    @Test("a tampered ciphertext or another key never yields the message")
    func wrongKeyOrTamperedCiphertext() throws {
        let generated = try GeneratedKey()
        let other = try GeneratedKey()
        let message = Array("session key material".utf8)
        try generated.scratch.write("message", message)
        try runTool("openssl", [
            "pkeyutl", "-encrypt", "-pubin", "-inkey", generated.scratch.path("public.pem"),
            "-pkeyopt", "rsa_padding_mode:pkcs1", "-in", generated.scratch.path("message"), "-out", generated.scratch.path("ciphertext"),
        ])
        var ciphertext = try generated.scratch.read("ciphertext")
        // Random padding can, very rarely, look valid: the requirement is that the message never comes back.
        if let wrong = try? other.privateKey().decryptPKCS1v15(ciphertext) { #expect(Array(wrong) != message) }
        ciphertext[100] ^= 0x10
        if let wrong = try? generated.privateKey().decryptPKCS1v15(ciphertext) { #expect(Array(wrong) != message) }
        do {
            _ = try other.privateKey().decryptPKCS1v15(try generated.scratch.read("ciphertext"))
        } catch let error as CryptoError {
            #expect(error.code == .decryptionFailed)
            #expect(!error.message.contains("session"))
        }
        expectCryptoError(.invalidInput) { try generated.privateKey().decryptPKCS1v15([UInt8](repeating: 1, count: 257)) }
    }

    @Test("inconsistent components (a prime from another key) are refused")
    func inconsistentComponents() throws {
        let generated = try GeneratedKey()
        let other = try GeneratedKey()
        let c = generated.components
        expectCryptoError(.invalidKey) {
            try RSAPrivateKey(modulus: c["modulus"]!, publicExponent: c["publicExponent"]!, privateExponent: c["privateExponent"]!,
                              prime1: other.components["prime1"]!, prime2: c["prime2"]!)
        }
    }

    @Test("RS256 signatures from a PEM key verify with `openssl dgst -sha256 -verify` and equal OpenSSL's own")
    func signaturesVerifyWithOpenSSL() throws {
        let generated = try GeneratedKey()
        let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdGFnZXNldCJ9".utf8)
        try generated.scratch.write("message", message)
        let fromPEM = try RSAPrivateKey(pem: generated.pem)
        let signature = try fromPEM.signPKCS1v15(message)
        try generated.scratch.write("signature", signature)
        let verdict = try runTool("openssl", [
            "dgst", "-sha256", "-verify", generated.scratch.path("public.pem"), "-signature", generated.scratch.path("signature"),
            generated.scratch.path("message"),
        ])
        #expect(String(decoding: verdict, as: UTF8.self).contains("Verified OK"))
        // PKCS#1 v1.5 signatures are deterministic: OpenSSL's own and the component-built key's must agree.
        let reference = try runTool("openssl", ["dgst", "-sha256", "-sign", generated.scratch.path("key.pem"), generated.scratch.path("message")])
        #expect(signature == reference)
        #expect(try generated.privateKey().signPKCS1v15(message) == reference)
    }

    @Test("a passphrase-protected PEM key loads with its passphrase and is refused (without prompting) otherwise")
    func encryptedPEM() throws {
        let scratch = try ScratchDirectory()
        try runTool("openssl", [
            "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-256-cbc", "-pass", "pass:correct horse",
            "-out", scratch.path("key.pem"),
        ])
        let pem = String(decoding: try scratch.read("key.pem"), as: UTF8.self)
        #expect(pem.contains("ENCRYPTED PRIVATE KEY"))
        let key = try RSAPrivateKey(pem: pem, passphrase: SecureBytes(Array("correct horse".utf8)))
        #expect(key.modulusByteCount == 256)
        expectCryptoError(.invalidKey) { try RSAPrivateKey(pem: pem) }
        expectCryptoError(.invalidKey) { try RSAPrivateKey(pem: pem, passphrase: SecureBytes(Array("wrong".utf8))) }
    }

    @Test("a PEM EC key or garbage is refused as not an RSA key")
    func nonRSAPEM() throws {
        let scratch = try ScratchDirectory()
        try runTool("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", scratch.path("ec.pem")])
        expectCryptoError(.invalidKey) { try RSAPrivateKey(pem: String(decoding: try scratch.read("ec.pem"), as: UTF8.self)) }
        expectCryptoError(.invalidKey) { try RSAPrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }
}
