/// Writes `JSONValue`s as JSON text, compact or indented, keeping member order unless asked to sort.
public struct JSONSerializer: Sendable {
    public enum Indentation: Sendable, Equatable {
        case none
        case spaces(Int)
        case tab
    }

    public var indentation: Indentation
    public var sortKeys: Bool
    /// Escape `<`, `>` and `&` as Go's encoding/json does by default.
    public var escapeHTML: Bool
    /// Put a space after ':' in compact output.
    public var spaceAfterColon: Bool

    public init(indentation: Indentation = .none, sortKeys: Bool = false, escapeHTML: Bool = false, spaceAfterColon: Bool = false) {
        self.indentation = indentation
        self.sortKeys = sortKeys
        self.escapeHTML = escapeHTML
        self.spaceAfterColon = spaceAfterColon
    }

    public func serialize(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, level: 0, into: &output)
        return output
    }

    public func string(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    private func newline(level: Int, into output: inout [UInt8]) {
        switch indentation {
        case .none: return
        case .spaces(let count):
            output.append(0x0A)
            output.append(contentsOf: repeatElement(0x20, count: count * level))
        case .tab:
            output.append(0x0A)
            output.append(contentsOf: repeatElement(0x09, count: level))
        }
    }

    private func write(_ value: JSONValue, level: Int, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let bool): output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: number.literal.utf8)
        case .string(let string): writeString(string, into: &output)
        case .array(let array):
            output.append(UInt8(ascii: "["))
            if array.isEmpty {
                output.append(UInt8(ascii: "]"))
                return
            }
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level: level + 1, into: &output)
                write(element, level: level + 1, into: &output)
            }
            newline(level: level, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            if object.isEmpty {
                output.append(UInt8(ascii: "}"))
                return
            }
            let members: [JSONObject.Member] = sortKeys ? object.sortedMembers : Array(object)
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level: level + 1, into: &output)
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                if indentation != .none || spaceAfterColon { output.append(0x20) }
                write(member.value, level: level + 1, into: &output)
            }
            newline(level: level, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let utf8 = Array(string.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x3C where escapeHTML, 0x3E where escapeHTML, 0x26 where escapeHTML:
                appendUnicodeEscape(UInt32(byte), into: &output)
            case 0xE2 where escapeHTML && index + 2 < utf8.count && utf8[index + 1] == 0x80
                && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                appendUnicodeEscape(utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029, into: &output)
                index += 2
            case 0..<0x20:
                appendUnicodeEscape(UInt32(byte), into: &output)
            default:
                output.append(byte)
            }
            index += 1
        }
        output.append(UInt8(ascii: "\""))
    }

    private func appendUnicodeEscape(_ value: UInt32, into output: inout [UInt8]) {
        output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(Self.hexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}

extension JSONValue {
    /// Compact JSON text of this value.
    public var jsonText: String { JSONSerializer().string(self) }
}
