import Foundation

@testable import OpenPGP

/// Builds packets and armor for hand-made malformed inputs.
enum TestPackets {
    /// An OpenPGP-format packet with a five-octet length.
    static func packet(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
        let length = UInt32(body.count)
        return [0xC0 | tag, 0xFF, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            + body
    }

    static func literal(_ data: [UInt8]) -> [UInt8] {
        packet(11, [UInt8(ascii: "b"), 0, 0, 0, 0, 0] + data)
    }

    /// ASCII armor around binary data, optionally with the CRC24 line and CRLF line ends.
    static func armor(_ data: [UInt8], label: String = "MESSAGE", checksum: Bool = true, lineEnd: String = "\n",
                      headers: [String] = []) -> String {
        let encoded = Data(data).base64EncodedString()
        var lines = ["-----BEGIN PGP \(label)-----"] + headers + [""]
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let next = encoded.index(index, offsetBy: 64, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<next]))
            index = next
        }
        if checksum {
            let crc = Radix64.crc24(data)
            lines.append("=" + Data([UInt8(crc >> 16), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]).base64EncodedString())
        }
        lines.append("-----END PGP \(label)-----")
        return lines.joined(separator: lineEnd) + lineEnd
    }

    /// The binary data inside an armored text (test side, via Foundation).
    static func dearmor(_ text: String) -> [UInt8] {
        let body = text.split(whereSeparator: \.isNewline).filter {
            !$0.hasPrefix("-----") && !$0.hasPrefix("=") && !$0.contains(":")
        }.joined()
        return Array(Data(base64Encoded: body) ?? Data())
    }
}
