/// One `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value, parsed with the semantics of sops' Go
/// regular expression `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]` (greedy groups,
/// `.` does not match a line feed, anything after the closing bracket ignored).
struct EncryptedValue: Sendable {
    var data: [UInt8]
    var iv: [UInt8]
    var tag: [UInt8]
    var type: String

    /// Why a value could not be parsed; never includes the value itself (it may be plaintext).
    enum ParseFailure: Error, Equatable {
        case notSOPSFormat
        case invalidBase64(field: String)
    }

    private static let prefix = Array("ENC[AES256_GCM,data:".utf8)
    private static let ivMarker = Array(",iv:".utf8)
    private static let tagMarker = Array(",tag:".utf8)
    private static let typeMarker = Array(",type:".utf8)

    static func parse(_ value: [UInt8]) throws(ParseFailure) -> EncryptedValue {
        guard value.starts(with: prefix) else { throw .notSOPSFormat }
        // `.` never matches a line feed, so the whole match lies on the first line.
        let lineEnd = value.firstIndex(of: 0x0A) ?? value.count
        let line = Array(value[prefix.count..<lineEnd])
        guard let groups = match(line) else { throw .notSOPSFormat }
        func decode(_ range: Range<Int>, _ name: String) throws(ParseFailure) -> [UInt8] {
            guard let bytes = GoBase64.decodeStandard(line[range]) else { throw .invalidBase64(field: name) }
            return bytes
        }
        return EncryptedValue(
            data: try decode(groups[0], "data"), iv: try decode(groups[1], "iv"), tag: try decode(groups[2], "tag"),
            type: String(decoding: line[groups[3]], as: UTF8.self))
    }

    /// Leftmost-first, greedy matching of `(.+),iv:(.+),tag:(.+),type:(.+)\]` on one line: each group
    /// takes the longest extent that still lets the rest of the pattern match.
    private static func match(_ line: [UInt8]) -> [Range<Int>]? {
        /// The last occurrence of `marker` that starts at or after `lowest` and ends before `limit`.
        func lastOccurrence(of marker: [UInt8], lowest: Int, endingBefore limit: Int) -> Int? {
            var index = limit - marker.count - 1
            while index >= lowest {
                if line[index..<(index + marker.count)].elementsEqual(marker) { return index }
                index -= 1
            }
            return nil
        }
        // Each group is non-empty and greedy, so the match is fixed from the right: the last `]`,
        // the last `,type:` before it, the last `,tag:` before that, the last `,iv:` before that.
        guard let close = line.lastIndex(of: UInt8(ascii: "]")),
            let typeAt = lastOccurrence(of: typeMarker, lowest: 0, endingBefore: close),
            let tagAt = lastOccurrence(of: tagMarker, lowest: 0, endingBefore: typeAt),
            let ivAt = lastOccurrence(of: ivMarker, lowest: 1, endingBefore: tagAt)
        else { return nil }
        return [0..<ivAt, (ivAt + ivMarker.count)..<tagAt, (tagAt + tagMarker.count)..<typeAt, (typeAt + typeMarker.count)..<close]
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padded standard alphabet, `\r` and `\n` ignored,
/// non-zero trailing bits tolerated (the encoding is not `Strict`).
enum GoBase64 {
    private static let table: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = Int8(index)
        }
        return table
    }()

    static func decodeStandard(_ input: some Collection<UInt8>) -> [UInt8]? {
        let characters = input.filter { $0 != 0x0D && $0 != 0x0A }
        guard characters.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count / 4 * 3)
        var index = 0
        while index < characters.count {
            let quad = characters[index..<(index + 4)]
            let isLast = index + 4 == characters.count
            var values: [Int] = []
            var padding = 0
            for (offset, byte) in quad.enumerated() {
                if byte == UInt8(ascii: "=") {
                    // Padding only at the end of the input, in the last one or two positions.
                    guard isLast, offset >= 2 else { return nil }
                    padding += 1
                    continue
                }
                guard padding == 0 else { return nil }
                let value = table[Int(byte)]
                guard value >= 0 else { return nil }
                values.append(Int(value))
            }
            let combined = values.enumerated().reduce(0) { $0 | ($1.element << (18 - 6 * $1.offset)) }
            output.append(UInt8((combined >> 16) & 0xFF))
            if values.count >= 3 { output.append(UInt8((combined >> 8) & 0xFF)) }
            if values.count == 4 { output.append(UInt8(combined & 0xFF)) }
            index += 4
        }
        return output
    }

    static func encodeStandard(_ input: some Collection<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let bytes = Array(input)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let first = Int(bytes[index])
            let second = remaining > 1 ? Int(bytes[index + 1]) : 0
            let third = remaining > 2 ? Int(bytes[index + 2]) : 0
            let combined = first << 16 | second << 8 | third
            output.append(alphabet[(combined >> 18) & 63])
            output.append(alphabet[(combined >> 12) & 63])
            output.append(remaining > 1 ? alphabet[(combined >> 6) & 63] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[combined & 63] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
