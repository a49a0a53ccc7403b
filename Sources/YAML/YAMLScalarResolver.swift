/// Resolves plain scalars to types by the YAML 1.2 core schema, with the same extensions
/// go-yaml v3 applies (legacy `0755` octals, `_` digit separators, `0b`/`0o` prefixes), because
/// the tools our users already run (sops, kubectl) read YAML that way.
public enum YAMLScalarResolver {
    public enum Resolved: Sendable, Equatable {
        case null
        case bool(Bool)
        case integer(Int64)
        /// Integers above `Int64.max` that still fit 64 bits unsigned.
        case unsignedInteger(UInt64)
        case float(Double)
        /// A plain scalar go-yaml reads as a timestamp (`2001-12-14`, `2001-12-14T21:59:43Z`; see `YAMLTimestamp`).
        case timestamp(String)
        case string(String)
    }

    static let tagPrefix = "tag:yaml.org,2002:"

    /// Resolves one scalar. Quoted and block scalars and `!!str` are strings; explicit `!!int`,
    /// `!!float`, `!!bool`, `!!null` must match their content.
    public static func resolve(_ text: String, style: YAMLScalarStyle, tag: String?) throws(YAMLError) -> Resolved {
        if let tag, tag != "!" {
            switch tag {
            case tagPrefix + "str", tagPrefix + "binary": return .string(text)
            case tagPrefix + "timestamp": return .timestamp(text)
            case tagPrefix + "null", tagPrefix + "bool", tagPrefix + "int", tagPrefix + "float":
                let resolved = resolvePlain(text)
                let name = String(tag.dropFirst(tagPrefix.count))
                switch (name, resolved) {
                case ("null", .null), ("bool", .bool), ("int", .integer), ("int", .unsignedInteger), ("float", .float):
                    return resolved
                case ("float", .integer(let value)):
                    return .float(Double(value))
                default:
                    throw YAMLError(code: .invalidValue, message: "cannot read \"\(text)\" as !!\(name)")
                }
            default:
                throw YAMLError(code: .unsupported, message: "unsupported YAML tag \(tag)")
            }
        }
        if tag == "!" || style != .plain { return .string(text) }
        return resolvePlain(text)
    }

    /// Resolves an untagged plain scalar.
    public static func resolvePlain(_ text: String) -> Resolved {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        default: break
        }
        guard let first = text.utf8.first else { return .string(text) }
        if first == UInt8(ascii: ".") {
            if let value = Double(text), isGoFloatSyntax(text) { return .float(value) }
            return .string(text)
        }
        let isDigit = first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
        guard isDigit || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else {
            return .string(text)
        }
        if YAMLTimestamp.parseYAML(text) != nil { return .timestamp(text) }
        let plain = text.replacingOccurrences(of: "_", with: "")
        if let integer = parseGoInteger(plain) { return integer }
        if isYAMLFloat(plain), let value = Double(plain) { return .float(value) }
        return .string(text)
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint` (unsigned, no sign): `0x`/`0o`/`0b` prefixes, legacy leading-zero octal.
    public static func parseGoInteger(_ text: String) -> Resolved? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "+" || digits.first == "-" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        let lower = digits.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if lower.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        } else if lower.hasPrefix("0b") {
            radix = 2
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.first == "0" {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit }), let magnitude = UInt64(digits, radix: radix) else {
            return nil
        }
        if negative {
            if magnitude <= UInt64(Int64.max) { return .integer(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .integer(Int64.min) }
            return nil
        }
        if magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
        // `ParseUint` takes no sign: `+18446744073709551615` is left to the float syntax.
        return text.first == "+" ? nil : .unsignedInteger(magnitude)
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml's float syntax.
    public static func isYAMLFloat(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                _ = digits()
            }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// Decimal float syntax Go's ParseFloat accepts after a leading `.` (`.5`, `.5e3`).
    static func isGoFloatSyntax(_ text: String) -> Bool { isYAMLFloat(text) }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
