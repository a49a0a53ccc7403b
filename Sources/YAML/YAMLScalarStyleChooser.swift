/// Chooses how a string is written so that any YAML 1.1 or 1.2 reader reads it back as the same string.
enum YAMLScalarStyleChooser {
    /// YAML 1.1 spellings of booleans and null that go-yaml v2, PyYAML and others still resolve.
    private static let yaml11Specials: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF", "=", "<<",
    ]

    static func key(_ string: String) -> String {
        if string.contains("\n") { return doubleQuoted(string) }
        return value(string, blockIndent: 0)
    }

    static func value(_ string: String, blockIndent: Int) -> String {
        if string.isEmpty { return "\"\"" }
        if needsDoubleQuotes(string) {
            if string.contains("\n"), let block = literalBlock(string, indent: blockIndent) { return block }
            return doubleQuoted(string)
        }
        if canBePlain(string) { return string }
        return "'" + string.replacing("'", with: "''") + "'"
    }

    private static func needsDoubleQuotes(_ string: String) -> Bool {
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x0A: return true
            case 0x09: continue
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0xFEFF, 0x2028, 0x2029, 0xFFFE, 0xFFFF: return true
            default: continue
            }
        }
        return false
    }

    private static func canBePlain(_ string: String) -> Bool {
        guard case .string = YAMLScalarResolver.resolvePlain(string) else { return false }
        if yaml11Specials.contains(string) { return false }
        if looksLikeSexagesimal(string) { return false }
        guard let first = string.unicodeScalars.first, let last = string.unicodeScalars.last else { return false }
        if first == " " || last == " " || first == "\t" || last == "\t" { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if string.hasPrefix("...") { return false }
        if string.contains(": ") || string.contains(" #") || string.contains("\t") || last == ":" { return false }
        return true
    }

    /// YAML 1.1 base-60 numbers (`1:20`), which YAML 1.1 readers turn into integers.
    private static func looksLikeSexagesimal(_ string: String) -> Bool {
        guard string.contains(":") else { return false }
        var body = Substring(string)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 1, parts.allSatisfy({ !$0.isEmpty }) else { return false }
        return parts.dropLast().allSatisfy { $0.allSatisfy { $0.isNumber || $0 == "_" } }
            && parts.last!.allSatisfy { $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// `|`, `|-` or `|+` with the lines indented; `nil` when a literal block cannot hold the text.
    private static func literalBlock(_ string: String, indent: Int) -> String? {
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: continue
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0xFEFF, 0x2028, 0x2029: return nil
            default: continue
            }
        }
        let chomping: String
        var body = Substring(string)
        if string.hasSuffix("\n\n") || string == "\n" {
            chomping = "+"
        } else if string.hasSuffix("\n") {
            chomping = ""
            body = body.dropLast()
        } else {
            chomping = "-"
        }
        if chomping == "+" { body = body.dropLast() }
        let width = max(indent, 1)
        let indicator = (body.first == " " || body.first == "\n") ? String(width) : ""
        let padding = String(repeating: " ", count: width)
        var lines = "|" + indicator + chomping + "\n"
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += line.isEmpty ? "\n" : padding + line + "\n"
        }
        lines.removeLast()
        return lines
    }

    static func doubleQuoted(_ string: String) -> String {
        var output = "\""
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x09: output += "\\t"
            case 0x0D: output += "\\r"
            case 0x00: output += "\\0"
            case 0..<0x20, 0x7F, 0x80..<0xA0:
                output += "\\x" + hex(scalar.value, width: 2)
            case 0xFEFF, 0x2028, 0x2029, 0xFFFE, 0xFFFF:
                output += "\\u" + hex(scalar.value, width: 4)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
