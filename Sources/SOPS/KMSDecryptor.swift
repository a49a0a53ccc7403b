import KMS

extension SOPSDecryptor {
    /// The agent's decryptor with cloud KMS: age identities and OpenPGP keys from `keys`, then a
    /// `KMSMasterKeyDecrypter` using the Secret's `sops.*` KMS credentials (else the ambient chains)
    /// over the long-lived `kmsSession`, then `additional` decrypters.
    public static func forKeys(_ keys: DecryptionKeys, kmsSession: KMSSession, additional: [any MasterKeyDecrypter] = []) throws(SOPSError)
        -> (decryptor: SOPSDecryptor, problems: [String])
    {
        try forKeys(keys, additional: [KMSMasterKeyDecrypter(keys: keys, session: kmsSession)] + additional)
    }
}
