import CryptoPrimitives

/// OpenPGP ASCII armor (RFC 9580 §6) read the way GnuPG reads it: CRLF or LF line ends, trailing
/// blanks, any number of header lines, an optional `=XXXX` CRC24 line that is checked when present.
enum ASCIIArmor {
    /// One `-----BEGIN PGP <label>-----` ... `-----END PGP <label>-----` block.
    struct Block {
        /// The text after `BEGIN PGP `, e.g. `MESSAGE` or `PRIVATE KEY BLOCK`.
        var label: String
        var data: SecureBytes
    }

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// True when `input` starts (after blank space) with a binary packet rather than armor text.
    static func looksBinary(_ input: some Collection<UInt8>) -> Bool {
        if input.starts(with: byteOrderMark) { return false }
        guard let first = input.first(where: { !isBlank($0) && $0 != 0x0A }) else { return false }
        return first & 0x80 != 0
    }

    /// Every armor block in `input`, in order. Text outside the blocks is ignored.
    static func decodeAll(_ input: some Collection<UInt8>) throws(OpenPGPError) -> [Block] {
        let text = SecureBytes(input)
        var blocks: [Block] = []
        // Editors on Windows may save key files with a UTF-8 byte order mark.
        var lines = LineIterator(text: text, position: text.starts(with: byteOrderMark) ? 3 : 0)
        while let line = lines.next() {
            guard let label = beginLabel(text, line) else { continue }
            blocks.append(try decodeBody(label: label, text: text, lines: &lines))
        }
        guard !blocks.isEmpty else {
            throw OpenPGPError(.malformedArmor, "no '-----BEGIN PGP ...-----' armor line found")
        }
        return blocks
    }

    private static func decodeBody(
        label: String, text: SecureBytes, lines: inout LineIterator
    ) throws(OpenPGPError) -> Block {
        var inHeaders = true
        var encoded = SecureBytes()
        var checksum: SecureBytes?
        while let line = lines.next() {
            if startsWith(text, line, "-----END PGP ") {
                let data = try Radix64.decode(encoded)
                if let checksum {
                    let expected = try Radix64.decode(checksum)
                    guard expected.count == 3 else {
                        throw OpenPGPError(.malformedArmor, "the armor checksum line of the \(label) block is malformed")
                    }
                    let stored = UInt32(expected[0]) << 16 | UInt32(expected[1]) << 8 | UInt32(expected[2])
                    guard stored == Radix64.crc24(data) else {
                        throw OpenPGPError(
                            .malformedArmor, "the CRC24 checksum of the \(label) block does not match: the armored text is corrupted")
                    }
                }
                return Block(label: label, data: data)
            }
            if line.isEmpty {
                inHeaders = false
                continue
            }
            if inHeaders {
                // A "Key: value" header line; base64 never contains a colon.
                if text[line].contains(UInt8(ascii: ":")) { continue }
                inHeaders = false
            }
            if checksum != nil {
                throw OpenPGPError(.malformedArmor, "data follows the checksum line in the \(label) block")
            }
            if text[line.lowerBound] == UInt8(ascii: "=") {
                checksum = SecureBytes(text[line].dropFirst().filter { !isBlank($0) })
                continue
            }
            for byte in text[line] where !isBlank(byte) { encoded.append(byte) }
        }
        throw OpenPGPError(.malformedArmor, "the \(label) armor block has no '-----END PGP \(label)-----' line")
    }

    private static func beginLabel(_ text: SecureBytes, _ line: Range<Int>) -> String? {
        let prefix = "-----BEGIN PGP "
        let suffix = Array("-----".utf8)
        guard startsWith(text, line, prefix), line.count >= prefix.utf8.count + suffix.count,
              Array(text[(line.upperBound - suffix.count)..<line.upperBound]) == suffix
        else { return nil }
        let labelBytes = text[(line.lowerBound + prefix.utf8.count)..<(line.upperBound - suffix.count)]
        guard labelBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: Array(labelBytes), as: UTF8.self)
    }

    private static func startsWith(_ text: SecureBytes, _ line: Range<Int>, _ prefix: String) -> Bool {
        let prefixBytes = prefix.utf8
        guard line.count >= prefixBytes.count else { return false }
        return zip(text[line], prefixBytes).allSatisfy { $0 == $1 }
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// Lines of the text as index ranges, without the line end and trailing blanks.
    struct LineIterator {
        let text: SecureBytes
        var position = 0

        mutating func next() -> Range<Int>? {
            guard position < text.count else { return nil }
            let start = position
            var end = start
            while end < text.count, text[end] != 0x0A { end += 1 }
            position = end + 1
            var trimmed = end
            while trimmed > start, ASCIIArmor.isBlank(text[trimmed - 1]) { trimmed -= 1 }
            var leading = start
            while leading < trimmed, ASCIIArmor.isBlank(text[leading]) { leading += 1 }
            return leading..<trimmed
        }
    }
}
