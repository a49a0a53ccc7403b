import CryptoPrimitives

/// Bech32 (BIP 173) as age uses it for keys: no length limit, upper- or lower-case but not mixed,
/// the human-readable part returned exactly as written.
enum Bech32 {
    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let charsetValues: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, character) in charset.enumerated() {
            table[Int(character)] = Int8(index)
            table[Int(character) & ~0x20] = Int8(index)
        }
        return table
    }()

    enum DecodingFailure: Error {
        case mixedCase, invalidCharacter, missingSeparator, tooShort, badChecksum, badPadding
        var explanation: String {
            switch self {
            case .mixedCase: "it mixes upper- and lower-case letters"
            case .invalidCharacter: "it contains a character outside the Bech32 alphabet"
            case .missingSeparator: "it has no Bech32 separator"
            case .tooShort: "it is too short"
            case .badChecksum: "its Bech32 checksum is wrong (a typo or truncation?)"
            case .badPadding: "its Bech32 data has invalid padding"
            }
        }
    }

    /// Encodes in lower case.
    static func encode(humanReadablePart: String, data: some Collection<UInt8>) -> String {
        let hrp = Array(humanReadablePart.lowercased().utf8)
        var values = convertBits(data, from: 8, to: 5, pad: true)!
        defer { values.wipe() }
        let checksum = makeChecksum(hrp: hrp, values: values)
        var output = hrp
        defer { output.wipe() }
        output.append(UInt8(ascii: "1"))
        for value in values { output.append(charset[Int(value)]) }
        for value in checksum { output.append(charset[Int(value)]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) throws(DecodingFailure) -> (humanReadablePart: String, data: [UInt8]) {
        let bytes = Array(text.utf8)
        var hasLower = false
        var hasUpper = false
        for byte in bytes {
            guard byte >= 33, byte <= 126 else { throw .invalidCharacter }
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { hasLower = true }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { throw .mixedCase }
        guard let separator = bytes.lastIndex(of: UInt8(ascii: "1")) else { throw .missingSeparator }
        guard separator >= 1 else { throw .missingSeparator }
        guard bytes.count - separator - 1 >= 6 else { throw .tooShort }
        let hrp = Array(bytes[..<separator])
        var values: [UInt8] = []
        for byte in bytes[(separator + 1)...] {
            let value = charsetValues[Int(byte)]
            guard value >= 0 else { throw .invalidCharacter }
            values.append(UInt8(value))
        }
        let lowerHRP = hrp.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        guard polymod(expand(lowerHRP) + values) == 1 else { throw .badChecksum }
        defer { values.wipe() }
        guard let data = convertBits(values.dropLast(6), from: 5, to: 8, pad: false) else { throw .badPadding }
        return (String(decoding: hrp, as: UTF8.self), data)
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for index in 0..<5 where (top >> UInt32(index)) & 1 == 1 { checksum ^= generator[index] }
        }
        return checksum
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    private static func makeChecksum(hrp: [UInt8], values: [UInt8]) -> [UInt8] {
        let modulus = polymod(expand(hrp) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        return (0..<6).map { UInt8((modulus >> UInt32(5 * (5 - $0))) & 31) }
    }

    /// Regroups bits; without padding, leftover bits must be fewer than `from` and zero.
    private static func convertBits(_ data: some Collection<UInt8>, from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator = 0
        var bits = 0
        var output: [UInt8] = []
        let maximum = (1 << to) - 1
        for value in data {
            accumulator = (accumulator << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                output.append(UInt8((accumulator >> bits) & maximum))
            }
            accumulator &= (1 << bits) - 1
        }
        if pad {
            if bits > 0 { output.append(UInt8((accumulator << (to - bits)) & maximum)) }
        } else if bits >= from || (accumulator << (to - bits)) & maximum != 0 {
            return nil
        }
        return output
    }
}
