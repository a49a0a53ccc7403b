/// Bounds that keep hostile or corrupt input from exhausting memory or the stack. A SOPS data key
/// message is a few hundred bytes; these are generous for real data and small enough to be safe.
enum Limits {
    /// Largest packet body, summed over partial body chunks.
    static let maximumPacketBodyLength = 64 << 20
    /// Largest output of decompressing one Compressed Data packet, and largest decrypted plaintext.
    static let maximumPlaintextLength = 64 << 20
    /// How deep containers (compressed inside encrypted inside ...) may be nested.
    static let maximumNestingDepth = 8
    /// How many packets one key file or message may hold.
    static let maximumPacketCount = 100_000
}
