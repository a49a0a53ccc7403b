import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ (`CRYPTO_memcmp`).
public enum ConstantTime {
    /// True when both inputs hold the same bytes. Different lengths compare unequal immediately:
    /// lengths are treated as public.
    public static func isEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        let result: Bool? = try? withContiguousBytes(lhs) { (left) throws(CryptoError) -> Bool in
            try withContiguousBytes(rhs) { (right) throws(CryptoError) -> Bool in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
        return result ?? false
    }
}
