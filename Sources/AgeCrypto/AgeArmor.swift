/// age's ASCII armor: a strict PEM-like wrapper with padded base64 in 64-column lines.
///
/// Decoding accepts LF or CRLF line endings and whitespace before the BEGIN line and after the END line,
/// and nothing else: no headers, no empty or short inner lines, no whitespace inside, canonical base64 only.
public enum AgeArmor {
    static let beginLine = "-----BEGIN AGE ENCRYPTED FILE-----"
    static let endLine = "-----END AGE ENCRYPTED FILE-----"
    static let columns = 64

    /// Wraps a binary age file in armor (LF line endings, trailing newline).
    public static func encode(_ file: some Collection<UInt8>) -> String {
        let text = Base64.encode(file, padded: true)
        var output = beginLine + "\n"
        var index = 0
        while index < text.count {
            let end = Swift.min(index + columns, text.count)
            output += String(decoding: text[index..<end], as: UTF8.self) + "\n"
            index = end
        }
        return output + endLine + "\n"
    }

    /// True when `file`, after optional leading whitespace, starts with the armor's BEGIN line.
    public static func isArmored(_ file: some Collection<UInt8>) -> Bool {
        let start = file.drop(while: isWhitespace)
        return start.starts(with: Array(beginLine.utf8))
    }

    /// Removes the armor and returns the binary age file; throws `malformedArmor`.
    public static func decode(_ text: some Collection<UInt8>) throws(AgeError) -> [UInt8] {
        let bytes = Array(text)
        var index = bytes.firstIndex(where: { !isWhitespace($0) }) ?? bytes.count
        guard let begin = nextLine(bytes, &index), Array(bytes[begin]) == Array(beginLine.utf8) else {
            throw AgeError(.malformedArmor, "the armor does not start with \(beginLine)")
        }
        var encoded: [UInt8] = []
        var sawShortLine = false
        while true {
            guard let range = nextLine(bytes, &index) else {
                throw AgeError(.malformedArmor, "the armor has no \(endLine) line")
            }
            let line = bytes[range]
            if Array(line) == Array(endLine.utf8) { break }
            guard !line.isEmpty, line.count <= columns, !sawShortLine else {
                throw AgeError(.malformedArmor, "armor lines must be 64 columns except the last, which must not be empty")
            }
            guard line.allSatisfy({ Base64.isAlphabetCharacter($0) || $0 == UInt8(ascii: "=") }) else {
                throw AgeError(.malformedArmor, "the armor contains a character outside base64 (whitespace, headers or garbage)")
            }
            if line.count < columns { sawShortLine = true }
            encoded.append(contentsOf: line)
        }
        guard bytes[index...].allSatisfy(isWhitespace) else {
            throw AgeError(.malformedArmor, "there is data after the \(endLine) line")
        }
        guard let decoded = Base64.decode(encoded, padded: true) else {
            throw AgeError(.malformedArmor, "the armored base64 is not canonical (padding or unused bits)")
        }
        return decoded
    }

    /// The next line (without LF or CRLF); the last line may lack a line ending.
    private static func nextLine(_ bytes: [UInt8], _ index: inout Int) -> Range<Int>? {
        guard index < bytes.count else { return nil }
        let start = index
        var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        index = end == bytes.count ? end : end + 1
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }
}
