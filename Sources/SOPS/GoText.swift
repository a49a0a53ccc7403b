/// Byte-level text helpers with Go's semantics (`utf8.DecodeRune`, `unicode.IsSpace`,
/// `strings.TrimSpace`), for stores whose values are arbitrary bytes.
enum GoText {
    /// Decodes one rune like `utf8.DecodeRune`: `(scalar, length)`, or `(nil, 1)` for an invalid byte.
    static func decodeRune(_ bytes: ArraySlice<UInt8>) -> (scalar: UInt32?, length: Int) {
        guard let first = bytes.first else { return (nil, 0) }
        let start = bytes.startIndex
        if first < 0x80 { return (UInt32(first), 1) }
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            let index = start + offset
            guard index < bytes.endIndex, bytes[index] >= low, bytes[index] <= high else { return nil }
            return UInt32(bytes[index] & 0x3F)
        }
        switch first {
        case 0xC2...0xDF:
            guard let b1 = continuation(1) else { return (nil, 1) }
            return ((UInt32(first & 0x1F) << 6) | b1, 2)
        case 0xE0...0xEF:
            let low: UInt8 = first == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = first == 0xED ? 0x9F : 0xBF
            guard let b1 = continuation(1, low, high), let b2 = continuation(2) else { return (nil, 1) }
            return ((UInt32(first & 0x0F) << 12) | (b1 << 6) | b2, 3)
        case 0xF0...0xF4:
            let low: UInt8 = first == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = first == 0xF4 ? 0x8F : 0xBF
            guard let b1 = continuation(1, low, high), let b2 = continuation(2), let b3 = continuation(3) else { return (nil, 1) }
            return ((UInt32(first & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3, 4)
        default:
            return (nil, 1)
        }
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let (scalar, length) = decodeRune(bytes[index...])
            if scalar == nil { return false }
            index += length
        }
        return true
    }

    /// `unicode.IsSpace`.
    static func isSpace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Index past the leading Unicode spaces (`strings.TrimLeftFunc(s, unicode.IsSpace)`).
    static func leadingSpaceEnd(_ bytes: ArraySlice<UInt8>) -> Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let (scalar, length) = decodeRune(bytes[index...])
            guard let scalar, isSpace(scalar) else { break }
            index += length
        }
        return index
    }

    static func trimLeftSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes[leadingSpaceEnd(bytes)...]
    }

    /// `strings.TrimSpace`.
    static func trimSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let trimmed = trimLeftSpace(bytes)
        var end = trimmed.endIndex
        while end > trimmed.startIndex {
            // Step back over one rune.
            var start = end - 1
            while start > trimmed.startIndex, bytes[start] & 0xC0 == 0x80, end - start < 4 { start -= 1 }
            let (scalar, length) = decodeRune(bytes[start..<end])
            if let scalar, length == end - start, isSpace(scalar) {
                end = start
            } else {
                break
            }
        }
        return trimmed[trimmed.startIndex..<end]
    }

    static func trimSpace(_ bytes: [UInt8]) -> [UInt8] { Array(trimSpace(bytes[...])) }

    /// First index of any of `set` (`bytes.IndexAny` for ASCII sets).
    static func indexAny(_ bytes: ArraySlice<UInt8>, _ set: String) -> Int? {
        let members = Array(set.utf8)
        return bytes.firstIndex(where: { members.contains($0) })
    }

    static func index(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty ? haystack.startIndex : nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    static func lastIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = haystack.endIndex - needle.count
        while index >= haystack.startIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    /// Replaces every occurrence of `target` with `replacement` (`strings.ReplaceAll`).
    static func replaceAll(_ bytes: [UInt8], _ target: [UInt8], _ replacement: [UInt8]) -> [UInt8] {
        guard !target.isEmpty, bytes.count >= target.count else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + target.count <= bytes.count, bytes[index..<(index + target.count)].elementsEqual(target) {
                output.append(contentsOf: replacement)
                index += target.count
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// Splits on a byte without dropping empty pieces (`bytes.Split`).
    static func split(_ bytes: [UInt8], on separator: UInt8) -> [ArraySlice<UInt8>] {
        bytes.split(separator: separator, omittingEmptySubsequences: false)
    }

    static func string(_ bytes: some Sequence<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }
}
