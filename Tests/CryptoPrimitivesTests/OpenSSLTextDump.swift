/// Reads the named big-endian integers out of `openssl pkey -text -noout` output
/// (`modulus:`, `prime1:`, `priv:`, `pub:` blocks of colon-separated hex, `publicExponent: 65537 (0x10001)`).
func parseKeyTextDump(_ text: String) -> [String: [UInt8]] {
    var fields: [String: [UInt8]] = [:]
    var current: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix(" ") || line.hasPrefix("\t") {
            if let current { fields[current, default: []] += hex(String(line)) }
            continue
        }
        current = nil
        guard let colon = line.firstIndex(of: ":") else { continue }
        let name = String(line[..<colon])
        let rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if rest.isEmpty {
            current = name
            fields[name] = []
        } else if let open = rest.range(of: "(0x"), let close = rest.lastIndex(of: ")") {
            var digits = String(rest[open.upperBound..<close])
            if digits.count % 2 == 1 { digits = "0" + digits }
            fields[name] = hex(digits)
        }
    }
    return fields
}

import Foundation
