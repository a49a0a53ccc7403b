/// A JSON reader with the semantics of Go's `encoding/json` as sops uses it: member order and
/// duplicate keys kept, invalid UTF-8 and lone surrogates turned into U+FFFD, exact syntax errors.
/// Kept apart from the strict `JSONParser`: sops' MAC covers duplicate members and replaced bytes,
/// which the agent's own configuration parsing must reject.
enum GoJSONReader {
    indirect enum Value {
        case object([(key: [UInt8], value: Value)])
        case array([Value])
        case string([UInt8])
        case number(String)
        case bool(Bool)
        case null
    }

    struct Failure: Error {
        var message: String
        var offset: Int
    }

    static let maximumDepth = 10_000

    static func parse(_ bytes: [UInt8]) throws(Failure) -> Value {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else {
            throw Failure(message: "invalid character after top-level value", offset: reader.position)
        }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        func failure(_ message: String) -> Failure { Failure(message: message, offset: position) }

        mutating func value(depth: Int) throws(Failure) -> Value {
            guard depth < GoJSONReader.maximumDepth else { throw failure("exceeded max depth") }
            guard position < bytes.count else { throw failure("unexpected end of JSON input") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var members: [(key: [UInt8], value: Value)] = []
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    guard position < bytes.count else { throw failure("unexpected end of JSON input") }
                    guard bytes[position] == UInt8(ascii: "\"") else { throw failure("invalid character looking for beginning of object key string") }
                    let key = try string()
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("invalid character after object key") }
                    position += 1
                    skipWhitespace()
                    members.append((key, try value(depth: depth + 1)))
                    skipWhitespace()
                    guard position < bytes.count else { throw failure("unexpected end of JSON input") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    if bytes[position] == UInt8(ascii: "}") {
                        position += 1
                        return .object(members)
                    }
                    throw failure("invalid character after object key:value pair")
                }
            case UInt8(ascii: "["):
                position += 1
                var items: [Value] = []
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard position < bytes.count else { throw failure("unexpected end of JSON input") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue
                    }
                    if bytes[position] == UInt8(ascii: "]") {
                        position += 1
                        return .array(items)
                    }
                    throw failure("invalid character after array element")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try number())
            default:
                throw failure("invalid character looking for beginning of value")
            }
        }

        mutating func literal(_ text: String) throws(Failure) {
            for byte in text.utf8 {
                guard position < bytes.count, bytes[position] == byte else { throw failure("invalid character in literal") }
                position += 1
            }
        }

        mutating func number() throws(Failure) -> String {
            let start = position
            func digit() -> Bool { position < bytes.count && bytes[position] >= 0x30 && bytes[position] <= 0x39 }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digit() else { throw failure("invalid character in numeric literal") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                while digit() { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digit() else { throw failure("invalid character after decimal point in numeric literal") }
                while digit() { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digit() else { throw failure("invalid character in exponent of numeric literal") }
                while digit() { position += 1 }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func hexQuad() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = bytes[position + offset]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            position += 4
            return value
        }

        static func appendScalar(_ scalar: UInt32, to output: inout [UInt8]) {
            let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            output.append(contentsOf: Array(String(value).utf8))
        }

        mutating func string() throws(Failure) -> [UInt8] {
            position += 1
            var output: [UInt8] = []
            while true {
                guard position < bytes.count else { throw failure("unexpected end of JSON input") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return output
                }
                if byte < 0x20 { throw failure("invalid character in string literal") }
                if byte == UInt8(ascii: "\\") {
                    position += 1
                    guard position < bytes.count else { throw failure("unexpected end of JSON input") }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                    case UInt8(ascii: "b"): output.append(0x08)
                    case UInt8(ascii: "f"): output.append(0x0C)
                    case UInt8(ascii: "n"): output.append(0x0A)
                    case UInt8(ascii: "r"): output.append(0x0D)
                    case UInt8(ascii: "t"): output.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let unit = hexQuad() else { throw failure("invalid character in \\u hexadecimal character escape") }
                        var scalar = unit
                        if (0xD800...0xDFFF).contains(unit) {
                            scalar = 0xFFFD
                            if unit < 0xDC00, position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                                let save = position
                                position += 2
                                if let low = hexQuad(), (0xDC00...0xDFFF).contains(low) {
                                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                                } else {
                                    position = save
                                }
                            }
                        }
                        Self.appendScalar(scalar, to: &output)
                    default:
                        throw failure("invalid character in string escape code")
                    }
                    continue
                }
                if byte < 0x80 {
                    output.append(byte)
                    position += 1
                    continue
                }
                let (scalar, length) = GoText.decodeRune(bytes[position...])
                if scalar == nil {
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    position += 1
                } else {
                    output.append(contentsOf: bytes[position..<(position + length)])
                    position += length
                }
            }
        }
    }
}
