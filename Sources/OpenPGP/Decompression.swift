import CZlib
import CryptoPrimitives

/// Inflates the body of a Compressed Data packet (RFC 9580 §5.6) with the system zlib: ZIP is raw
/// DEFLATE (RFC 1951), ZLIB has the RFC 1950 wrapper. Output is capped so a compression bomb fails
/// cleanly, and goes into `SecureBytes` because it is plaintext.
enum Decompression {
    static func inflate(_ compressed: Slice<SecureBytes>, algorithm: CompressionAlgorithm) throws(OpenPGPError) -> SecureBytes {
        let windowBits: Int32
        switch algorithm {
        case .uncompressed: return SecureBytes(copying: compressed)
        case .zip: windowBits = -15
        case .zlib: windowBits = 15
        case .bzip2:
            throw OpenPGPError(
                .compressionUnsupported,
                "the message is compressed with BZip2, which is not supported; encrypt with --compress-algo zlib, zip or none")
        default:
            throw OpenPGPError(.compressionUnsupported, "the message uses \(algorithm), which is not supported")
        }
        let input = SecureBytes(copying: compressed)
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw OpenPGPError(.malformedCompressedData, "zlib could not start inflating (\(algorithm))")
        }
        defer { inflateEnd(&stream) }

        var output = SecureBytes()
        var scratch = SecureBytes(zeroes: 64 * 1024)
        let outcome: Result<Void, OpenPGPError> = input.withUnsafeBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(source.count)
            return scratch.withUnsafeMutableBytes { buffer in
                let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                while true {
                    stream.next_out = base
                    stream.avail_out = UInt32(buffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = buffer.count - Int(stream.avail_out)
                    guard output.count + produced <= Limits.maximumPlaintextLength else {
                        return .failure(OpenPGPError(
                            .limitExceeded,
                            "the compressed data expands to more than \(Limits.maximumPlaintextLength >> 20) MiB"))
                    }
                    output.append(contentsOf: UnsafeBufferPointer(start: base, count: produced))
                    switch status {
                    case Z_STREAM_END:
                        return .success(())
                    case Z_OK:
                        continue
                    case Z_BUF_ERROR where produced > 0:
                        continue
                    case Z_BUF_ERROR:
                        return .failure(OpenPGPError(.malformedCompressedData, "the \(algorithm) compressed data is truncated"))
                    default:
                        return .failure(OpenPGPError(.malformedCompressedData, "the \(algorithm) compressed data is corrupt"))
                    }
                }
            }
        }
        try outcome.get()
        return output
    }
}
