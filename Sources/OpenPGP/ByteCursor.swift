import CryptoPrimitives

/// Reads the fields of one packet body front to back; every read is bounds-checked and a short
/// body becomes a `malformedPacket` error naming what was being read.
struct ByteCursor {
    let bytes: SecureBytes
    private(set) var position: Int
    let end: Int

    init(_ bytes: SecureBytes) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    mutating func readByte(_ what: @autoclosure () -> String) throws(OpenPGPError) -> UInt8 {
        guard position < end else { throw truncated(what()) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt16(_ what: @autoclosure () -> String) throws(OpenPGPError) -> Int {
        let field = try read(2, what())
        return Int(field[field.startIndex]) << 8 | Int(field[field.startIndex + 1])
    }

    mutating func readUInt32(_ what: @autoclosure () -> String) throws(OpenPGPError) -> Int {
        let field = try read(4, what())
        var value = 0
        for byte in field { value = value << 8 | Int(byte) }
        return value
    }

    /// The next `count` bytes, as a view into the body.
    mutating func read(_ count: Int, _ what: @autoclosure () -> String) throws(OpenPGPError) -> Slice<SecureBytes> {
        guard count >= 0, count <= remaining else { throw truncated(what()) }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Everything left in the body.
    mutating func readRest() -> Slice<SecureBytes> {
        defer { position = end }
        return bytes[position..<end]
    }

    /// An OpenPGP multiprecision integer (2-byte bit count, then big-endian bytes), without its header.
    mutating func readMPI(_ what: @autoclosure () -> String) throws(OpenPGPError) -> Slice<SecureBytes> {
        let bits = try readUInt16(what())
        return try read((bits + 7) / 8, what())
    }

    /// A field prefixed by a one-octet length (curve OIDs, KDF parameters, wrapped keys).
    mutating func readLengthPrefixed(_ what: @autoclosure () -> String) throws(OpenPGPError) -> Slice<SecureBytes> {
        let length = Int(try readByte(what()))
        return try read(length, what())
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws(OpenPGPError) {
        _ = try read(count, what())
    }

    private func truncated(_ what: String) -> OpenPGPError {
        OpenPGPError(.malformedPacket, "truncated packet: the \(what) is missing or cut short")
    }
}

extension SecureBytes {
    /// A wiped-on-release copy of a view into another buffer.
    init(copying slice: Slice<SecureBytes>) {
        self.init()
        slice.base.withUnsafeBytes { buffer in
            let part = UnsafeRawBufferPointer(rebasing: buffer[slice.startIndex..<slice.endIndex])
            if let base = part.baseAddress {
                append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: part.count))
            }
        }
    }
}
