import COpenSSL

/// Random bytes from OpenSSL's CSPRNG (`RAND_bytes`).
public enum SecureRandom {
    /// `count` random bytes. Use `SecureBytes.random(count:)` when the bytes are key material.
    public static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try withMutableBytes(&result) { (buffer) throws(CryptoError) in try fill(buffer) }
        return result
    }

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        OpenSSL.clearErrors()
        try OpenSSL.check(
            RAND_bytes(base.assumingMemoryBound(to: UInt8.self), try int32Length(buffer.count)),
            "RAND_bytes", code: .randomGenerationFailed)
    }
}
