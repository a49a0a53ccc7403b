import YAML

/// go-yaml v3 (go.yaml.in/yaml/v3 3.0.4) scalar resolution, as sops' YAML store sees scalars when
/// it decodes each node into `interface{}`: the implicit tag of plain text, explicit tags, and the
/// Go value it turns into. A decoding failure yields `nil` (sops ignores the error: the value is null).
enum GoYAMLResolver {
    static let longTagPrefix = "tag:yaml.org,2002:"

    enum Tag: String {
        case null = "!!null"
        case bool = "!!bool"
        case string = "!!str"
        case int = "!!int"
        case float = "!!float"
        case timestamp = "!!timestamp"
        case merge = "!!merge"
        case binary = "!!binary"
    }

    /// `shortTag`: `tag:yaml.org,2002:x` → `!!x`.
    static func shortTag(_ tag: String) -> String {
        tag.hasPrefix(longTagPrefix) ? "!!" + tag.dropFirst(longTagPrefix.count) : tag
    }

    /// The implicit tag and value of plain text (`resolve("", s)`).
    static func resolvePlain(_ text: String) -> (tag: Tag, value: SOPSNode) {
        resolve(tag: "", text) ?? (.string, .text(text))
    }

    private static func hint(_ byte: UInt8?) -> Character? {
        guard let byte else { return "N" }
        switch byte {
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return "S"
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return "D"
        case UInt8(ascii: "."): return "."
        default:
            return "yYnNtTfFoO~".utf8.contains(byte) ? "M" : nil
        }
    }

    /// `resolve(tag, in)`; `nil` when go-yaml fails (`cannot decode !!x as !!y`).
    static func resolve(tag requested: String, _ text: String) -> (tag: Tag, value: SOPSNode)? {
        let tag = shortTag(requested)
        let resolvable = ["", Tag.string.rawValue, Tag.bool.rawValue, Tag.int.rawValue, Tag.float.rawValue, Tag.null.rawValue, Tag.timestamp.rawValue]
        guard resolvable.contains(tag) else {
            // Not resolvable (!!binary, !!merge, custom tags): the text itself.
            return (Tag(rawValue: tag) ?? .string, .text(text))
        }
        var result: (tag: Tag, value: SOPSNode) = (.string, .text(text))
        if let hint = hint(text.utf8.first), tag != Tag.string.rawValue {
            if let special = specialValues[text] {
                result = special
            } else {
                switch hint {
                case ".":
                    if let value = GoNumberText.parseFloat(text), isDecimalFloatSyntax(text) { result = (.float, .float(value)) }
                case "D", "S":
                    if let resolved = resolveNumberLike(text, allowTimestamp: tag == "" || tag == Tag.timestamp.rawValue) {
                        result = resolved
                    }
                default:
                    break
                }
            }
        }
        // The deferred check: a requested tag must match what the text resolved to.
        switch tag {
        case "", result.tag.rawValue, Tag.string.rawValue:
            if tag == Tag.string.rawValue { return (.string, .text(text)) }
            return result
        case Tag.float.rawValue:
            if case .integer(let value) = result.value { return (.float, .float(Double(value))) }
            return nil
        default:
            return nil
        }
    }

    private static let specialValues: [String: (tag: Tag, value: SOPSNode)] = {
        var table: [String: (tag: Tag, value: SOPSNode)] = [:]
        for text in ["true", "True", "TRUE"] { table[text] = (.bool, .bool(true)) }
        for text in ["false", "False", "FALSE"] { table[text] = (.bool, .bool(false)) }
        for text in ["", "~", "null", "Null", "NULL"] { table[text] = (.null, .null) }
        for text in [".nan", ".NaN", ".NAN"] { table[text] = (.float, .float(.nan)) }
        for text in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { table[text] = (.float, .float(.infinity)) }
        for text in ["-.inf", "-.Inf", "-.INF"] { table[text] = (.float, .float(-.infinity)) }
        table["<<"] = (.merge, .text("<<"))
        return table
    }()

    /// Go's `ParseFloat` syntax for text starting with `.` (decimal digits only).
    private static func isDecimalFloatSyntax(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return !lowered.contains("x") && !lowered.contains("inf") && !lowered.contains("nan")
    }

    /// Timestamps, integers (any base, `_` removed), unsigned integers and floats.
    private static func resolveNumberLike(_ text: String, allowTimestamp: Bool) -> (tag: Tag, value: SOPSNode)? {
        if allowTimestamp, let time = YAMLTimestamp.parseYAML(text) { return (.timestamp, .time(time)) }
        let plain = text.filter { $0 != "_" }
        switch YAMLScalarResolver.parseGoInteger(plain) {
        case .integer(let value): return (.int, .integer(value))
        case .unsignedInteger(let value): return (.int, .unsignedInteger(value))
        default: break
        }
        if YAMLScalarResolver.isYAMLFloat(plain), let value = GoNumberText.parseFloat(plain) { return (.float, .float(value)) }
        return nil
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: YAML 1.1 base-60 floats, quoted on output.
    static func isBase60Float(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard isDigit(bytes.first) else { return false }
        bytes = bytes.dropFirst()
        while let byte = bytes.first, isDigit(byte) || byte == UInt8(ascii: "_") { bytes = bytes.dropFirst() }
        var groups = 0
        while bytes.first == UInt8(ascii: ":") {
            bytes = bytes.dropFirst()
            // [0-5]?[0-9]: one or two digits, the first of two at most 5.
            guard isDigit(bytes.first) else { return false }
            let first = bytes.first!
            bytes = bytes.dropFirst()
            if isDigit(bytes.first), first <= UInt8(ascii: "5") {
                // Greedy [0-5]? then [0-9]; if a third digit follows, the match fails later.
                bytes = bytes.dropFirst()
            }
            groups += 1
        }
        guard groups > 0 else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let byte = bytes.first, isDigit(byte) || byte == UInt8(ascii: "_") { bytes = bytes.dropFirst() }
        }
        return bytes.isEmpty
    }

    /// YAML 1.1 booleans that go-yaml still quotes on output.
    static func isOldBool(_ text: String) -> Bool {
        ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"].contains(text)
    }

    /// Whether go-yaml writes a string plain (before the emitter's own checks): it must read back as a string.
    static func canUsePlain(_ text: String) -> Bool {
        resolvePlain(text).tag == .string && !isBase60Float(text) && !isOldBool(text)
    }
}
