/// Two uppercase hex digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
}

/// Uppercase hex of a byte string (key IDs, fingerprints: public values only).
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map(hexByte).joined()
}
