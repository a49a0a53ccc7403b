/// Number parsing and printing with the exact rules of Go's `strconv` and `encoding/json`, because
/// sops hashes and prints numbers through them and the output must match byte for byte.
enum GoNumberText {
    /// A finite double as shortest round-trip decimal digits: value = 0.d1d2…dn × 10^decimalPoint.
    struct Digits {
        var negative: Bool
        var digits: [UInt8]  // ASCII digits without leading/trailing zeros; empty for zero
        var decimalPoint: Int
    }

    /// Shortest round-trip digits (Swift's `description` picks the same shortest, closest digits as Go's Ryū).
    static func shortestDigits(_ value: Double) -> Digits {
        let negative = value.sign == .minus
        if value == 0 { return Digits(negative: negative, digits: [], decimalPoint: 0) }
        let text = Array(abs(value).description.utf8)
        var mantissa: [UInt8] = []
        var exponent = 0
        var pointPosition: Int?
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                pointPosition = mantissa.count
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(index + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                mantissa.append(byte)
            }
            index += 1
        }
        var decimalPoint = (pointPosition ?? mantissa.count) + exponent
        while let first = mantissa.first, first == UInt8(ascii: "0") {
            mantissa.removeFirst()
            decimalPoint -= 1
        }
        while let last = mantissa.last, last == UInt8(ascii: "0") {
            mantissa.removeLast()
        }
        return Digits(negative: negative, digits: mantissa, decimalPoint: decimalPoint)
    }

    /// `strconv.FormatFloat(v, 'f', -1, 64)`: positional notation, never an exponent.
    static func formatFloatPositional(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let digits = shortestDigits(value)
        return positional(digits)
    }

    private static func positional(_ digits: Digits) -> String {
        var output = digits.negative ? "-" : ""
        let count = digits.digits.count
        let point = digits.decimalPoint
        if count == 0 { return output + "0" }
        if point <= 0 {
            output += "0." + String(repeating: "0", count: -point) + String(decoding: digits.digits, as: UTF8.self)
        } else if point >= count {
            output += String(decoding: digits.digits, as: UTF8.self) + String(repeating: "0", count: point - count)
        } else {
            output += String(decoding: digits.digits[..<point], as: UTF8.self) + "."
                + String(decoding: digits.digits[point...], as: UTF8.self)
        }
        return output
    }

    /// `%e` body of Go's shortest formatting: `d.ddde±XX` (at least two exponent digits).
    private static func exponential(_ digits: Digits, exponentCharacter: String) -> String {
        var output = digits.negative ? "-" : ""
        let mantissa = digits.digits.isEmpty ? [UInt8(ascii: "0")] : digits.digits
        output += String(UnicodeScalar(mantissa[0]))
        if mantissa.count > 1 {
            output += "." + String(decoding: mantissa[1...], as: UTF8.self)
        }
        let exponent = digits.digits.isEmpty ? 0 : digits.decimalPoint - 1
        output += exponentCharacter + (exponent < 0 ? "-" : "+")
        let magnitude = String(abs(exponent))
        output += magnitude.count < 2 ? "0" + magnitude : magnitude
        return output
    }

    /// `strconv.FormatFloat(v, 'g', -1, 64)` (`'G'` when `uppercase`).
    static func formatFloatGeneral(_ value: Double, uppercase: Bool = false) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let digits = shortestDigits(value)
        // Go decides with precision 6 when printing the shortest representation.
        let exponent = digits.digits.isEmpty ? 0 : digits.decimalPoint - 1
        if exponent < -4 || exponent >= 6 {
            return exponential(digits, exponentCharacter: uppercase ? "E" : "e")
        }
        return positional(digits)
    }

    /// How go-yaml v3 writes a float64: `'g'` shortest, with `.inf`, `-.inf` and `.nan`.
    static func formatYAMLFloat(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        return formatFloatGeneral(value)
    }

    /// How Go's `encoding/json` writes a float64 (`nil` for NaN and infinities, which it refuses).
    static func formatJSONFloat(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21) {
            var text = exponential(shortestDigits(value), exponentCharacter: "e")
            // encoding/json turns e-07 into e-7 (only for negative exponents).
            let bytes = Array(text.utf8)
            let count = bytes.count
            if count >= 4, bytes[count - 4] == UInt8(ascii: "e"), bytes[count - 3] == UInt8(ascii: "-"), bytes[count - 2] == UInt8(ascii: "0") {
                text = String(decoding: bytes[..<(count - 2)] + [bytes[count - 1]], as: UTF8.self)
            }
            return text
        }
        return formatFloatPositional(value)
    }

    /// `strconv.ParseFloat(s, 64)`: decimal or hexadecimal literals, `inf`/`infinity`/`nan` in any case;
    /// out-of-range values are errors (Go returns ±Inf with `ErrRange`, which sops treats as failure).
    static func parseFloat(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let lowered = body.lowercased()
        if lowered == "inf" || lowered == "infinity" {
            return text.hasPrefix("-") ? -.infinity : .infinity
        }
        if lowered == "nan" { return text.first == "+" || text.first == "-" ? nil : .nan }
        guard body.allSatisfy({ $0.isASCII && ($0.isHexDigit || "xXpP.eE+-_".contains($0)) }) else { return nil }
        if lowered.hasPrefix("0x") && !lowered.contains("p") { return nil }
        if body.contains("_") { return parseFloatWithUnderscores(text) }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Go allows `_` between digits only after a base prefix (`0x1_0p0`).
    private static func parseFloatWithUnderscores(_ text: String) -> Double? {
        var body = Substring(text)
        var sign = ""
        if body.first == "+" || body.first == "-" {
            sign = String(body.first!)
            body = body.dropFirst()
        }
        let lowered = body.lowercased()
        guard lowered.hasPrefix("0x") else { return nil }
        let characters = Array(body)
        for (index, character) in characters.enumerated() where character == "_" {
            let previous = index > 0 ? characters[index - 1] : " "
            let next = index + 1 < characters.count ? characters[index + 1] : " "
            guard previous.isHexDigit || previous == "x" || previous == "X", next.isHexDigit else { return nil }
        }
        guard let value = Double(sign + body.filter { $0 != "_" }), value.isFinite else { return nil }
        return value
    }

    /// `strconv.Atoi`: optional sign and decimal digits, 64-bit range.
    static func atoi(_ text: String) -> Int64? {
        guard !text.isEmpty else { return nil }
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }

    /// `strconv.ParseBool`.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
