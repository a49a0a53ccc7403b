import Foundation
import TestSupport

/// An independent reading of the native journal protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL):
/// `NAME=value\n`, or `NAME\n` + 64-bit little-endian length + bytes + `\n`.
struct ParsedJournalEntry {
    struct Field {
        var name: String
        var value: [UInt8]
        var usedBinaryForm: Bool
        var text: String { String(decoding: value, as: UTF8.self) }
    }

    var fields: [Field] = []

    init(_ bytes: [UInt8]) throws {
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else {
                throw TestFailure("field without terminator at byte \(index)")
            }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[end...].firstIndex(of: UInt8(ascii: "\n")) else { throw TestFailure("unterminated field \(name)") }
                fields.append(Field(name: name, value: Array(bytes[(end + 1)..<newline]), usedBinaryForm: false))
                index = newline + 1
            } else {
                guard end + 9 <= bytes.count else { throw TestFailure("truncated length of \(name)") }
                var length: UInt64 = 0
                for shift in 0..<8 { length |= UInt64(bytes[end + 1 + shift]) << (8 * UInt64(shift)) }
                let start = end + 9
                let stop = start + Int(length)
                guard stop < bytes.count, bytes[stop] == UInt8(ascii: "\n") else { throw TestFailure("bad binary field \(name)") }
                fields.append(Field(name: name, value: Array(bytes[start..<stop]), usedBinaryForm: true))
                index = stop + 1
            }
        }
    }

    subscript(name: String) -> String? { fields.first { $0.name == name }?.text }

    func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    var names: [String] { fields.map(\.name) }
}

/// Whether `name` is a field name journalctl can match on: `A–Z`, `0–9`, `_`, not leading `_` or digit.
func isJournalctlFieldName(_ name: String) -> Bool {
    name.range(of: "^[A-Z][A-Z0-9_]{0,63}$", options: .regularExpression) != nil
}
