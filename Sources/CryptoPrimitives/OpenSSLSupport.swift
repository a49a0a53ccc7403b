import COpenSSL

/// Return-code checking and error-queue handling shared by every wrapper.
enum OpenSSL {
    /// Throws unless `result` reports success (OpenSSL's EVP functions return 1, or a positive value).
    @inline(__always)
    static func check(
        _ result: Int32, _ function: StaticString, code: CryptoError.Code = .libraryFailure
    ) throws(CryptoError) {
        if result <= 0 { throw failure(function, code: code) }
    }

    /// Unwraps a pointer an OpenSSL allocator or constructor returned.
    @inline(__always)
    static func notNull<T>(
        _ pointer: T?, _ function: StaticString, code: CryptoError.Code = .libraryFailure
    ) throws(CryptoError) -> T {
        guard let pointer else { throw failure(function, code: code) }
        return pointer
    }

    /// Builds an error naming the failed function and OpenSSL's first queued reason, then clears the queue.
    static func failure(_ function: StaticString, code: CryptoError.Code = .libraryFailure, detail: String? = nil) -> CryptoError {
        let queued = ERR_get_error()
        var reason = ""
        if queued != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(queued, &buffer, buffer.count)
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            reason = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        ERR_clear_error()
        var message = detail ?? "\(function) failed"
        if !reason.isEmpty { message += " (\(reason))" }
        return CryptoError(code, message)
    }

    /// Drops errors that earlier, unrelated calls may have left in this thread's queue.
    @inline(__always)
    static func clearErrors() { ERR_clear_error() }
}

/// A one-byte buffer whose address stands in for empty inputs: some OpenSSL entry points reject NULL
/// even with a zero length.
nonisolated(unsafe) private let emptyInputByte: UnsafeMutablePointer<UInt8> = {
    let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return pointer
}()

extension UnsafeRawBufferPointer {
    /// The base address as `unsigned char *`, never NULL (empty buffers point at a dummy byte).
    var bytePointer: UnsafePointer<UInt8> {
        guard let base = baseAddress else { return UnsafePointer(emptyInputByte) }
        return base.assumingMemoryBound(to: UInt8.self)
    }

    /// The base address as a mutable `void *`, never NULL; OpenSSL only reads through it.
    var mutableRawPointer: UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(mutating: UnsafeRawPointer(bytePointer))
    }
}

/// Gives `body` the bytes of `bytes` without copying when the collection is contiguous; otherwise copies
/// them into a `SecureBytes` that is wiped afterwards.
@inline(__always)
func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> Result
) throws(CryptoError) -> Result {
    var outcome: Swift.Result<Result, CryptoError>?
    bytes.withContiguousStorageIfAvailable { buffer in
        outcome = Swift.Result { () throws(CryptoError) -> Result in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let outcome { return try outcome.get() }
    let copy = SecureBytes(bytes)
    return try copy.withUnsafeBytes { (buffer) throws(CryptoError) -> Result in try body(buffer) }
}

/// Length as OpenSSL's `int`, refusing inputs that would overflow it.
@inline(__always)
func int32Length(_ count: Int) throws(CryptoError) -> Int32 {
    guard count <= Int(Int32.max) else { throw CryptoError(.invalidInput, "input of \(count) bytes is too large") }
    return Int32(count)
}

/// `Array.withUnsafeMutableBytes` with a typed error.
@inline(__always)
func withMutableBytes<Result>(
    _ array: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(CryptoError) -> Result
) throws(CryptoError) -> Result {
    let outcome = array.withUnsafeMutableBytes { buffer in
        Swift.Result { () throws(CryptoError) -> Result in try body(buffer) }
    }
    return try outcome.get()
}
