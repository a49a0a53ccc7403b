import CryptoPrimitives

/// Splits a byte sequence into packets, handling both header formats (RFC 9580 §4.2): the legacy
/// format (1/2/4-byte or indeterminate lengths) and the OpenPGP format (1/2/5-byte and partial
/// body lengths).
struct PacketReader {
    private let data: SecureBytes
    private var position = 0
    private var packetCount = 0

    init(_ data: SecureBytes) {
        self.data = data
    }

    var isAtEnd: Bool { position >= data.count }

    /// The next packet, or nil at the end of the data.
    mutating func next() throws(OpenPGPError) -> Packet? {
        guard position < data.count else { return nil }
        packetCount += 1
        guard packetCount <= Limits.maximumPacketCount else {
            throw OpenPGPError(.limitExceeded, "more than \(Limits.maximumPacketCount) packets")
        }
        let header = data[position]
        position += 1
        guard header & 0x80 != 0 else {
            throw OpenPGPError(
                .malformedPacket,
                "byte \(position - 1) is not a packet header (0x\(hexByte(header))): the data is not OpenPGP or is corrupted")
        }
        if header & 0x40 != 0 {
            let tag = PacketTag(rawValue: header & 0x3F)
            return Packet(tag: tag, body: try readOpenPGPFormatBody(tag))
        }
        let tag = PacketTag(rawValue: (header >> 2) & 0x0F)
        let length: Int
        switch header & 0x03 {
        case 0: length = try readLengthOctets(1, tag)
        case 1: length = try readLengthOctets(2, tag)
        case 2: length = try readLengthOctets(4, tag)
        default: length = data.count - position
        }
        return Packet(tag: tag, body: try takeBody(length, tag))
    }

    private mutating func readOpenPGPFormatBody(_ tag: PacketTag) throws(OpenPGPError) -> SecureBytes {
        var body = SecureBytes()
        while true {
            let first = Int(try readLengthOctets(1, tag))
            switch first {
            case 0..<192:
                return try appendChunk(&body, first, tag)
            case 192..<224:
                let second = try readLengthOctets(1, tag)
                return try appendChunk(&body, ((first - 192) << 8) + second + 192, tag)
            case 255:
                return try appendChunk(&body, try readLengthOctets(4, tag), tag)
            default:
                // Partial body length: a chunk of 2^(first & 31) bytes, then another length.
                _ = try appendChunk(&body, 1 << (first & 0x1F), tag)
            }
        }
    }

    private mutating func appendChunk(_ body: inout SecureBytes, _ length: Int, _ tag: PacketTag) throws(OpenPGPError) -> SecureBytes {
        guard body.count + length <= Limits.maximumPacketBodyLength else {
            throw OpenPGPError(
                .limitExceeded, "the \(tag) is longer than \(Limits.maximumPacketBodyLength >> 20) MiB")
        }
        let chunk = try takeBody(length, tag)
        if body.isEmpty { body = chunk } else { body.append(contentsOf: chunk) }
        return body
    }

    private mutating func readLengthOctets(_ count: Int, _ tag: PacketTag) throws(OpenPGPError) -> Int {
        guard count <= data.count - position else {
            throw OpenPGPError(.malformedPacket, "truncated packet: the length of a \(tag) is cut short")
        }
        var value = 0
        for _ in 0..<count {
            value = value << 8 | Int(data[position])
            position += 1
        }
        return value
    }

    private mutating func takeBody(_ length: Int, _ tag: PacketTag) throws(OpenPGPError) -> SecureBytes {
        guard length <= Limits.maximumPacketBodyLength else {
            throw OpenPGPError(
                .limitExceeded, "the \(tag) is longer than \(Limits.maximumPacketBodyLength >> 20) MiB")
        }
        guard length <= data.count - position else {
            throw OpenPGPError(
                .malformedPacket,
                "truncated packet: the \(tag) announces \(length) bytes but only \(data.count - position) follow")
        }
        defer { position += length }
        return SecureBytes(copying: data[position..<(position + length)])
    }
}
