import COpenSSL

/// scrypt (RFC 7914): age passphrase stanzas.
public enum Scrypt {
    /// Derives `outputByteCount` bytes from `passphrase` and `salt` with cost `n` (a power of two > 1),
    /// block size `r` and parallelization `p`. Memory use is about 128·r·n bytes; callers cap `n`.
    public static func deriveKey(
        passphrase: some Collection<UInt8>,
        salt: some Collection<UInt8>,
        n: UInt64,
        r: UInt32,
        p: UInt32,
        outputByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        guard n > 1, n & (n - 1) == 0 else {
            throw CryptoError(.invalidInput, "scrypt cost N must be a power of two greater than 1")
        }
        guard r > 0, p > 0, outputByteCount > 0 else {
            throw CryptoError(.invalidInput, "scrypt parameters r, p and the output length must be positive")
        }
        let (blockMemory, blockOverflow) = UInt64(r).multipliedReportingOverflow(by: 128)
        let (vectorMemory, vectorOverflow) = blockMemory.multipliedReportingOverflow(by: n + 2)
        let (parallelMemory, parallelOverflow) = blockMemory.multipliedReportingOverflow(by: UInt64(p))
        let (memory, sumOverflow) = vectorMemory.addingReportingOverflow(parallelMemory)
        guard !blockOverflow, !vectorOverflow, !parallelOverflow, !sumOverflow, memory < UInt64(1) << 40 else {
            throw CryptoError(.invalidInput, "scrypt parameters need too much memory")
        }
        return try withContiguousBytes(passphrase) { (password) throws(CryptoError) -> SecureBytes in
            try withContiguousBytes(salt) { (saltBytes) throws(CryptoError) -> SecureBytes in
                try KeyDerivation.derive(
                    "SCRYPT",
                    parameters: [
                        .octets(ParameterName.password, password),
                        .octets(ParameterName.salt, saltBytes),
                        .unsigned64(ParameterName.scryptN, n),
                        .unsigned32(ParameterName.scryptR, r),
                        .unsigned32(ParameterName.scryptP, p),
                        .unsigned64(ParameterName.scryptMaximumMemory, memory + (1 << 20)),
                    ],
                    outputByteCount: outputByteCount)
            }
        }
    }
}
