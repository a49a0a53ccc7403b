import COpenSSL

/// Parameter names as C strings that live for the whole process: `OSSL_PARAM` stores the name pointer,
/// so temporary Swift-to-C string conversions must not be used for it.
enum ParameterName {
    static let digest = ImmortalCString("digest")
    static let key = ImmortalCString("key")
    static let salt = ImmortalCString("salt")
    static let info = ImmortalCString("info")
    static let password = ImmortalCString("pass")
    static let scryptN = ImmortalCString("n")
    static let scryptR = ImmortalCString("r")
    static let scryptP = ImmortalCString("p")
    static let scryptMaximumMemory = ImmortalCString("maxmem_bytes")
    static let groupName = ImmortalCString("group")
    static let privateKey = ImmortalCString("priv")
    static let publicKey = ImmortalCString("pub")
    static let rsaModulus = ImmortalCString("n")
    static let rsaPublicExponent = ImmortalCString("e")
    static let rsaPrivateExponent = ImmortalCString("d")
    static let rsaFactor1 = ImmortalCString("rsa-factor1")
    static let rsaFactor2 = ImmortalCString("rsa-factor2")
    static let rsaExponent1 = ImmortalCString("rsa-exponent1")
    static let rsaExponent2 = ImmortalCString("rsa-exponent2")
    static let rsaCoefficient1 = ImmortalCString("rsa-coefficient1")
}

/// A NUL-terminated string that is never freed.
struct ImmortalCString: @unchecked Sendable {
    let pointer: UnsafePointer<CChar>

    /// Copies `text` into memory that is deliberately never released.
    init(_ text: String) {
        let utf8 = Array(text.utf8)
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
        for (index, byte) in utf8.enumerated() { storage[index] = CChar(bitPattern: byte) }
        storage[utf8.count] = 0
        pointer = UnsafePointer(storage)
    }
    var mutablePointer: UnsafeMutablePointer<CChar> { UnsafeMutablePointer(mutating: pointer) }
}

/// One `OSSL_PARAM` entry; values are referenced, not copied, so they must outlive the call.
enum OpenSSLParameter {
    case octets(ImmortalCString, UnsafeRawBufferPointer)
    case text(ImmortalCString, ImmortalCString)
    case unsigned64(ImmortalCString, UInt64)
    case unsigned32(ImmortalCString, UInt32)
}

/// Builds a terminated `OSSL_PARAM` array for the duration of `body`.
func withOpenSSLParameters<Result>(
    _ parameters: [OpenSSLParameter], _ body: (UnsafePointer<OSSL_PARAM>) throws(CryptoError) -> Result
) throws(CryptoError) -> Result {
    let integers = UnsafeMutablePointer<UInt64>.allocate(capacity: max(parameters.count, 1))
    defer { integers.deallocate() }
    var array: [OSSL_PARAM] = []
    array.reserveCapacity(parameters.count + 1)
    for (index, parameter) in parameters.enumerated() {
        switch parameter {
        case .octets(let name, let bytes):
            array.append(OSSL_PARAM_construct_octet_string(name.pointer, bytes.mutableRawPointer, bytes.count))
        case .text(let name, let value):
            array.append(OSSL_PARAM_construct_utf8_string(name.pointer, value.mutablePointer, 0))
        case .unsigned64(let name, let value):
            integers[index] = value
            array.append(OSSL_PARAM_construct_uint64(name.pointer, integers + index))
        case .unsigned32(let name, let value):
            let slot = UnsafeMutableRawPointer(integers + index).assumingMemoryBound(to: UInt32.self)
            slot.pointee = value
            array.append(OSSL_PARAM_construct_uint32(name.pointer, slot))
        }
    }
    array.append(OSSL_PARAM_construct_end())
    return try array.withUnsafeBufferPointer { (buffer) throws(CryptoError) -> Result in
        try body(buffer.baseAddress!)
    }
}
