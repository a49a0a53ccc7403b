import CryptoPrimitives
import Foundation
import Testing

@Suite struct X509CertificateTests {
    @Test("DER and SHA-1/SHA-256 thumbprints match `openssl x509`, also from a combined key+certificate PEM")
    func thumbprintsMatchOpenSSL() throws {
        let scratch = try ScratchDirectory()
        try runTool("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", scratch.path("key.pem"), "-out", scratch.path("cert.pem"),
            "-subj", "/CN=stageset-agent test", "-days", "1",
        ])
        try runTool("openssl", ["x509", "-in", scratch.path("cert.pem"), "-outform", "DER", "-out", scratch.path("cert.der")])
        let sha1Line = String(decoding: try runTool("openssl", ["x509", "-in", scratch.path("cert.pem"), "-noout", "-fingerprint", "-sha1"]), as: UTF8.self)
        let sha256Line = String(decoding: try runTool("openssl", ["x509", "-in", scratch.path("cert.pem"), "-noout", "-fingerprint", "-sha256"]), as: UTF8.self)
        let combined = String(decoding: try scratch.read("key.pem") + scratch.read("cert.pem"), as: UTF8.self)

        let certificate = try X509Certificate(pem: combined)
        #expect(certificate.derEncoded == (try scratch.read("cert.der")))
        #expect(try certificate.thumbprint() == hex(String(sha1Line.split(separator: "=")[1])))
        #expect(try certificate.thumbprint(.sha256) == hex(String(sha256Line.split(separator: "=")[1])))
        // The same combined file also provides the RS256 signing key.
        #expect(try RSAPrivateKey(pem: combined).modulusByteCount == 256)
        expectCryptoError(.invalidInput) { try X509Certificate(pem: String(decoding: try scratch.read("key.pem"), as: UTF8.self)) }
    }
}
