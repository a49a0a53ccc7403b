import COpenSSL

/// X25519 Diffie-Hellman (RFC 7748): age recipients and OpenPGP cv25519 keys.
/// Keys are the 32-byte little-endian strings of RFC 7748.
public enum X25519 {
    /// Length of private keys, public keys and shared secrets.
    public static let byteCount = 32

    /// A fresh random private key.
    public static func generatePrivateKey() throws(CryptoError) -> SecureBytes {
        try SecureBytes.random(count: byteCount)
    }

    /// The public key (the scalar times the base point 9) of `privateKey`.
    public static func publicKey(privateKey: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        let key = try makePrivateKey(privateKey)
        defer { EVP_PKEY_free(key) }
        var output = [UInt8](repeating: 0, count: byteCount)
        var length = byteCount
        try OpenSSL.check(EVP_PKEY_get_raw_public_key(key, &output, &length), "EVP_PKEY_get_raw_public_key")
        guard length == byteCount else { throw CryptoError(.libraryFailure, "unexpected X25519 public key length") }
        return output
    }

    /// The shared secret X25519(privateKey, peerPublicKey). Throws `invalidPublicKey` when the result is
    /// all zeroes (a low-order peer key), which RFC 7748 §6.1 says to reject.
    public static func sharedSecret(
        privateKey: some Collection<UInt8>, peerPublicKey: some Collection<UInt8>
    ) throws(CryptoError) -> SecureBytes {
        guard peerPublicKey.count == byteCount else {
            throw CryptoError(.invalidPublicKey, "an X25519 public key is \(byteCount) bytes, got \(peerPublicKey.count)")
        }
        let key = try makePrivateKey(privateKey)
        defer { EVP_PKEY_free(key) }
        let peer = try withContiguousBytes(peerPublicKey) { (bytes) throws(CryptoError) -> OpaquePointer in
            try OpenSSL.notNull(
                EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, bytes.bytePointer, bytes.count),
                "EVP_PKEY_new_raw_public_key", code: .invalidPublicKey)
        }
        defer { EVP_PKEY_free(peer) }
        let secret = try KeyAgreement.derive(privateKey: key, peer: peer, expectedByteCount: byteCount)
        if secret.allSatisfy({ $0 == 0 }) {
            throw CryptoError(.invalidPublicKey, "the X25519 peer key is a low-order point (all-zero shared secret)")
        }
        return secret
    }

    private static func makePrivateKey(_ privateKey: some Collection<UInt8>) throws(CryptoError) -> OpaquePointer {
        guard privateKey.count == byteCount else {
            throw CryptoError(.invalidKeyLength, "an X25519 private key is \(byteCount) bytes, got \(privateKey.count)")
        }
        OpenSSL.clearErrors()
        return try withContiguousBytes(privateKey) { (bytes) throws(CryptoError) -> OpaquePointer in
            try OpenSSL.notNull(
                EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nil, bytes.bytePointer, bytes.count),
                "EVP_PKEY_new_raw_private_key", code: .invalidKey)
        }
    }
}

/// `EVP_PKEY_derive` between a private key and a peer public key.
enum KeyAgreement {
    static func derive(
        privateKey: OpaquePointer, peer: OpaquePointer, expectedByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        let context = try OpenSSL.notNull(EVP_PKEY_CTX_new_from_pkey(nil, privateKey, nil), "EVP_PKEY_CTX_new_from_pkey")
        defer { EVP_PKEY_CTX_free(context) }
        try OpenSSL.check(EVP_PKEY_derive_init(context), "EVP_PKEY_derive_init")
        try OpenSSL.check(EVP_PKEY_derive_set_peer(context, peer), "EVP_PKEY_derive_set_peer", code: .invalidPublicKey)
        var length = 0
        try OpenSSL.check(EVP_PKEY_derive(context, nil, &length), "EVP_PKEY_derive")
        guard length == expectedByteCount else {
            throw CryptoError(.libraryFailure, "unexpected shared secret length \(length)")
        }
        return try SecureBytes(capacity: length) { (output) throws(CryptoError) -> Int in
            var written = output.count
            try OpenSSL.check(
                EVP_PKEY_derive(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written),
                "EVP_PKEY_derive", code: .invalidPublicKey)
            guard written == expectedByteCount else {
                throw CryptoError(.libraryFailure, "unexpected shared secret length \(written)")
            }
            return written
        }
    }
}
