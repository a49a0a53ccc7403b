import CryptoPrimitives
import OpenPGP

extension PGPMasterKeyDecrypter {
    /// Unwraps `pgp` master keys with the in-process OpenPGP key ring built from the `.asc`
    /// entries — no gpg binary, keyring or GNUPGHOME.
    public init(ring: OpenPGPKeyRing) {
        let usable = ring.keys.filter { !$0.isSubkey }.count
        self.init(keyCount: usable) { armored in
            do throws(OpenPGPError) {
                return try ring.decrypt(armored)
            } catch {
                throw SOPSError(.noKeyDecrypted, error.message)
            }
        }
    }
}

extension SOPSDecryptor {
    /// The agent's decryptor: age identities and OpenPGP keys from `keys`, then `additional`
    /// decrypters (cloud KMS). Unusable PGP keys (passphrase-protected, …) are reported in
    /// `problems` and the others still work.
    public static func forKeys(_ keys: DecryptionKeys, additional: [any MasterKeyDecrypter] = []) throws(SOPSError)
        -> (decryptor: SOPSDecryptor, problems: [String])
    {
        var pgp: PGPMasterKeyDecrypter?
        var problems: [String] = []
        if !keys.armoredPGPKeys.isEmpty {
            do {
                let ring = try OpenPGPKeyRing(armoredKeys: keys.armoredPGPKeys.map(\.armored), sourceNames: keys.armoredPGPKeys.map(\.source))
                problems = ring.problems.map(\.message)
                pgp = PGPMasterKeyDecrypter(ring: ring)
            } catch {
                throw SOPSError(.invalidKeyMaterial, "cannot read the OpenPGP keys: \(error.message)")
            }
        }
        return (SOPSDecryptor(keys: keys, pgpDecrypter: pgp, additional: additional), problems)
    }
}
