/// Finds `#` comments in YAML text: a `#` at the start of a line or after whitespace that lies
/// outside every scalar. libyaml drops comments, so they are recovered lexically with the scalar
/// positions the parser reported (offsets count Unicode scalars, as libyaml's marks do).
enum CommentScanner {
    static func scan(_ bytes: [UInt8], scalarRanges: [Range<Int>]) -> [YAMLComment] {
        let ranges = scalarRanges.sorted { $0.lowerBound < $1.lowerBound }
        var comments: [YAMLComment] = []
        var rangeIndex = 0
        var characterIndex = 0
        var byteIndex = 0
        var line = 1
        var column = 1
        var previous: UInt8 = 0x0A
        var onlyWhitespaceSoFar = true
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { byteIndex = 3 }

        while byteIndex < bytes.count {
            let byte = bytes[byteIndex]
            while rangeIndex < ranges.count, ranges[rangeIndex].upperBound <= characterIndex {
                rangeIndex += 1
            }
            let insideScalar = rangeIndex < ranges.count && ranges[rangeIndex].contains(characterIndex)
            if byte == UInt8(ascii: "#"), !insideScalar,
                previous == 0x20 || previous == 0x09 || previous == 0x0A || previous == 0x0D
            {
                var end = byteIndex + 1
                while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                let text = String(decoding: bytes[(byteIndex + 1)..<end], as: UTF8.self)
                comments.append(YAMLComment(
                    text: text,
                    start: YAMLMark(line: line, column: column, characterOffset: characterIndex),
                    ownsLine: onlyWhitespaceSoFar))
                for commentByte in bytes[byteIndex..<end] where commentByte & 0xC0 != 0x80 {
                    characterIndex += 1
                    column += 1
                }
                byteIndex = end
                previous = UInt8(ascii: "#")
                continue
            }
            if byte == 0x0A || (byte == 0x0D && (byteIndex + 1 >= bytes.count || bytes[byteIndex + 1] != 0x0A)) {
                line += 1
                column = 1
                onlyWhitespaceSoFar = true
            } else if byte == 0x0D {
                // the LF of a CRLF pair ends the line
            } else {
                if byte != 0x20 && byte != 0x09 { onlyWhitespaceSoFar = false }
                if byte & 0xC0 != 0x80 { column += 1 }
            }
            if byte & 0xC0 != 0x80 { characterIndex += 1 }
            previous = byte
            byteIndex += 1
        }
        return comments
    }
}
