import CryptoPrimitives

/// Base64 decoding and the CRC24 checksum of OpenPGP ASCII armor (RFC 9580 §6). The decoded bytes
/// go into `SecureBytes` because armored secret keys are secret.
enum Radix64 {
    /// Decodes standard base64 (`+/`, `=` padding). Whitespace must already be removed.
    static func decode(_ text: some Collection<UInt8>) throws(OpenPGPError) -> SecureBytes {
        var output = SecureBytes()
        var accumulator: UInt32 = 0
        var bitCount = 0
        var paddingSeen = 0
        for character in text {
            if character == UInt8(ascii: "=") {
                paddingSeen += 1
                continue
            }
            guard paddingSeen == 0, let value = sextet(character) else {
                throw OpenPGPError(.malformedArmor, "the armored data contains an invalid base64 character")
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
                accumulator &= (1 << UInt32(bitCount)) - 1
            }
        }
        // Leftover bits: 0 (complete), 2 (one padding char) or 4 (two); 6 means a lone character.
        guard bitCount != 6, paddingSeen <= 2 else {
            throw OpenPGPError(.malformedArmor, "the armored data has a truncated base64 group")
        }
        accumulator = 0
        return output
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// The 24-bit CRC of RFC 9580 §6.1.1 (generator 0x864CFB, initial value 0xB704CE).
    static func crc24(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xB7_04CE
        for byte in bytes {
            crc ^= UInt32(byte) << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x100_0000 != 0 { crc ^= 0x86_4CFB }
            }
        }
        return crc & 0xFF_FFFF
    }
}
