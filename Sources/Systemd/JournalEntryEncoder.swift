/// Serialises fields in the native journal protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL):
/// `NAME=value\n` for single-line values, and the binary-safe form `NAME\n` + 64-bit
/// little-endian length + raw bytes + `\n` for values holding a newline.
struct JournalEntryEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ name: String, _ value: String) {
        append(name, Array(value.utf8))
    }

    mutating func append(_ name: String, _ value: [UInt8]) {
        bytes.append(contentsOf: name.utf8)
        if value.contains(UInt8(ascii: "\n")) {
            bytes.append(UInt8(ascii: "\n"))
            var length = UInt64(value.count).littleEndian
            withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: value)
        } else {
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: value)
        }
        bytes.append(UInt8(ascii: "\n"))
    }
}
