import CryptoPrimitives
import Foundation
import OpenPGP
import Testing
import TestSupport

/// The message GnuPG 2.3/2.4 writes for keys announcing AEAD support: PKESK v3 + OCB Encrypted Data
/// (tag 20). No GnuPG 2.4 is installed, so `Generators/gnupg24_ocb_message.py` assembles it from a
/// real GnuPG 2.2 message's PKESK and session key (`--show-session-key`) with the `cryptography`
/// package's AES-OCB. GnuPG 2.2.40 can read (not write) tag 20, so it checks the generator's output.
@Suite struct GnuPG24OCBTests {
    @Test(arguments: [
        ("rsa3072", "rsa3072"), ("ed25519", "cv25519"), ("nistp256", "nistp256"),
    ])
    func decryptsOCBEncryptedDataPacketsForGnuPGKeys(primary: String, encryption: String) throws {
        try PythonPeers.requireModule("cryptography", package: "cryptography")
        let home = try GnuPGHome()
        let key = try home.generateKey(
            "OCB \(primary) <ocb-\(primary)@example.invalid>", primaryAlgorithm: primary, encryptionAlgorithm: encryption)
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        let gpgMessage = try home.encrypt(randomDataKey(), to: [key.primary], options: [])
        let sessionKey = try home.sessionKey(of: gpgMessage)
        let messagePath = try home.write("gpg-message.gpg", gpgMessage)

        for (size, chunkOctet, compression) in [(32, 16, "zlib"), (33, 0, "none"), (5000, 0, "zip"), (2000, 4, "zlib")] {
            let payload = randomDataKey(count: size)
            let payloadPath = try home.write("payload.bin", payload)
            let message = try PythonPeers.run(
                "gnupg24_ocb_message.py", [messagePath, sessionKey, payloadPath, String(chunkOctet), compression])
            #expect(String(decoding: message, as: UTF8.self).hasPrefix("-----BEGIN PGP MESSAGE-----"))
            // GnuPG agrees the generated packet is valid.
            #expect(try home.gpg(["--decrypt"], input: message) == payload)
            #expect(Array(try ring.decrypt(message)) == payload, "chunk octet \(chunkOctet), \(compression)")
        }
    }

    @Test func tamperedOCBEncryptedDataFailsItsIntegrityCheck() throws {
        try PythonPeers.requireModule("cryptography", package: "cryptography")
        let home = try GnuPGHome()
        let key = try home.generateKey("Tamper <tamper@example.invalid>", primaryAlgorithm: "ed25519", encryptionAlgorithm: "cv25519")
        let ring = try OpenPGPKeyRing(armoredKeys: [try home.exportSecretKeys([key.primary])])
        let gpgMessage = try home.encrypt(randomDataKey(), to: [key.primary], options: [])
        let messagePath = try home.write("gpg-message.gpg", gpgMessage)
        let payloadPath = try home.write("payload.bin", randomDataKey(count: 300))
        let armored = try PythonPeers.run(
            "gnupg24_ocb_message.py", [messagePath, try home.sessionKey(of: gpgMessage), payloadPath, "0", "none"])
        let binary = try home.gpg(["--dearmor"], input: armored)
        // The tag 20 packet follows the PKESK; flip a bit in its first chunk, its last chunk and its final tag.
        for distanceFromEnd in [1, 20, 200] {
            var tampered = binary
            tampered[tampered.count - distanceFromEnd] ^= 0x01
            let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(tampered) }
            #expect(error?.code == .integrityCheckFailed)
        }
        var truncated = binary
        truncated.removeLast(16)
        let error = #expect(throws: OpenPGPError.self) { try ring.decrypt(truncated) }
        #expect(error?.code == .malformedPacket || error?.code == .integrityCheckFailed)
    }
}
