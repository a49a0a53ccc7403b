import COpenSSL

/// Elliptic-curve Diffie-Hellman on the NIST prime curves (OpenPGP ECDH keys, RFC 6637).
/// X25519 lives in `X25519`.
public enum ECDH {
    /// The NIST curves OpenPGP uses.
    public enum Curve: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case p256 = "P-256"
        case p384 = "P-384"
        case p521 = "P-521"

        /// Bytes in one field element: the length of the shared x-coordinate and of X and Y in a point.
        public var coordinateByteCount: Int {
            switch self {
            case .p256: 32
            case .p384: 48
            case .p521: 66
            }
        }

        public var description: String { rawValue }

        var groupName: ImmortalCString {
            switch self {
            case .p256: CurveName.p256
            case .p384: CurveName.p384
            case .p521: CurveName.p521
            }
        }
    }

    /// The x-coordinate of `privateKey`·`peerPublicKey`, left-padded to the field size.
    /// - Parameters:
    ///   - privateKey: the secret scalar, big-endian (leading zero bytes may be missing or present).
    ///   - peerPublicKey: an uncompressed point, `0x04 ‖ X ‖ Y`.
    public static func sharedSecret(
        curve: Curve, privateKey: some Collection<UInt8>, peerPublicKey: some Collection<UInt8>
    ) throws(CryptoError) -> SecureBytes {
        let size = curve.coordinateByteCount
        guard peerPublicKey.count == 1 + 2 * size, peerPublicKey.first == 0x04 else {
            throw CryptoError(.invalidPublicKey, "a \(curve) public key must be an uncompressed point of \(1 + 2 * size) bytes")
        }
        let scalar = privateKey.drop(while: { $0 == 0 })
        guard !scalar.isEmpty, scalar.count <= size else {
            throw CryptoError(.invalidKey, "a \(curve) private scalar must be 1 to \(size) bytes and not zero")
        }
        OpenSSL.clearErrors()
        let key = try makePrivateKey(curve: curve, scalar: scalar)
        defer { EVP_PKEY_free(key) }
        let peer = try withContiguousBytes(peerPublicKey) { (point) throws(CryptoError) -> OpaquePointer in
            try withOpenSSLParameters([
                .text(ParameterName.groupName, curve.groupName),
                .octets(ParameterName.publicKey, point),
            ]) { (parameters) throws(CryptoError) -> OpaquePointer in
                try KeyImport.fromData(
                    "EC", selection: copenssl_selection_public_key(), parameters: parameters, code: .invalidPublicKey)
            }
        }
        defer { EVP_PKEY_free(peer) }
        return try KeyAgreement.derive(privateKey: key, peer: peer, expectedByteCount: size)
    }

    private static func makePrivateKey(curve: Curve, scalar: some Collection<UInt8>) throws(CryptoError) -> OpaquePointer {
        let builder = try OpenSSL.notNull(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new")
        defer { OSSL_PARAM_BLD_free(builder) }
        let secret = try BigNumber.secure(scalar)
        defer { BN_clear_free(secret) }
        try OpenSSL.check(
            OSSL_PARAM_BLD_push_utf8_string(builder, ParameterName.groupName.pointer, curve.groupName.pointer, 0),
            "OSSL_PARAM_BLD_push_utf8_string")
        try OpenSSL.check(OSSL_PARAM_BLD_push_BN(builder, ParameterName.privateKey.pointer, secret), "OSSL_PARAM_BLD_push_BN")
        let parameters = try OpenSSL.notNull(OSSL_PARAM_BLD_to_param(builder), "OSSL_PARAM_BLD_to_param")
        defer { OSSL_PARAM_free(parameters) }
        return try KeyImport.fromData("EC", selection: copenssl_selection_keypair(), parameters: parameters, code: .invalidKey)
    }
}

private enum CurveName {
    static let p256 = ImmortalCString("P-256")
    static let p384 = ImmortalCString("P-384")
    static let p521 = ImmortalCString("P-521")
}

/// `EVP_PKEY_fromdata` for a key type.
enum KeyImport {
    static func fromData(
        _ keyType: String, selection: Int32, parameters: UnsafePointer<OSSL_PARAM>, code: CryptoError.Code
    ) throws(CryptoError) -> OpaquePointer {
        let context = try OpenSSL.notNull(EVP_PKEY_CTX_new_from_name(nil, keyType, nil), "EVP_PKEY_CTX_new_from_name")
        defer { EVP_PKEY_CTX_free(context) }
        try OpenSSL.check(EVP_PKEY_fromdata_init(context), "EVP_PKEY_fromdata_init")
        var key: OpaquePointer?
        try OpenSSL.check(
            EVP_PKEY_fromdata(context, &key, selection, UnsafeMutablePointer(mutating: parameters)),
            "EVP_PKEY_fromdata", code: code)
        return try OpenSSL.notNull(key, "EVP_PKEY_fromdata", code: code)
    }
}

/// Big-endian byte strings as OpenSSL `BIGNUM`s in secure memory; free with `BN_clear_free`.
enum BigNumber {
    static func secure(_ bytes: some Collection<UInt8>) throws(CryptoError) -> OpaquePointer {
        let number = try OpenSSL.notNull(BN_secure_new(), "BN_secure_new")
        do {
            try withContiguousBytes(bytes) { (buffer) throws(CryptoError) in
                guard BN_bin2bn(buffer.bytePointer, try int32Length(buffer.count), number) != nil else {
                    throw OpenSSL.failure("BN_bin2bn")
                }
            }
        } catch {
            BN_clear_free(number)
            throw error
        }
        BN_set_flags(number, BN_FLG_CONSTTIME)
        return number
    }
}
