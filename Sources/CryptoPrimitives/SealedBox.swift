/// The output of an AEAD seal: ciphertext (same length as the plaintext) and authentication tag.
public struct SealedBox: Sendable, Hashable {
    public var ciphertext: [UInt8]
    public var tag: [UInt8]

    public init(ciphertext: [UInt8], tag: [UInt8]) {
        self.ciphertext = ciphertext
        self.tag = tag
    }

    /// `ciphertext ‖ tag`, the layout age and OpenPGP store.
    public var combined: [UInt8] { ciphertext + tag }
}
