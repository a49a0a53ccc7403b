import COpenSSL

/// The EVP sequence shared by GCM, OCB and ChaCha20-Poly1305.
enum AEADEngine {
    /// Where the tag length must be given: OCB mixes it into the nonce, so before the key and nonce.
    enum TagTiming { case beforeKey, beforeFinal }

    static func seal(
        cipher: OpaquePointer, name: String, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        plaintext: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer,
        tagByteCount: Int, tagTiming: TagTiming
    ) throws(CryptoError) -> SealedBox {
        OpenSSL.clearErrors()
        let context = try OpenSSL.notNull(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }
        try OpenSSL.check(EVP_EncryptInit_ex(context, cipher, nil, nil, nil), "EVP_EncryptInit_ex")
        try OpenSSL.check(
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonce.count), nil),
            "EVP_CTRL_AEAD_SET_IVLEN", code: .invalidNonceLength)
        if tagTiming == .beforeKey {
            try OpenSSL.check(
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tagByteCount), nil),
                "EVP_CTRL_AEAD_SET_TAG", code: .invalidTagLength)
        }
        try OpenSSL.check(
            EVP_EncryptInit_ex(context, nil, nil, key.bytePointer, nonce.bytePointer), "EVP_EncryptInit_ex")
        var length: Int32 = 0
        if additionalData.count > 0 {
            try OpenSSL.check(
                EVP_EncryptUpdate(context, nil, &length, additionalData.bytePointer, try int32Length(additionalData.count)),
                "EVP_EncryptUpdate")
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 32)
        var written = 0
        try withMutableBytes(&ciphertext) { (output) throws(CryptoError) in
            let base = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if plaintext.count > 0 {
                try OpenSSL.check(
                    EVP_EncryptUpdate(context, base, &length, plaintext.bytePointer, try int32Length(plaintext.count)),
                    "EVP_EncryptUpdate")
                written = Int(length)
            }
            try OpenSSL.check(EVP_EncryptFinal_ex(context, base + written, &length), "EVP_EncryptFinal_ex")
            written += Int(length)
        }
        guard written == plaintext.count else {
            throw CryptoError(.libraryFailure, "\(name) produced \(written) bytes for \(plaintext.count)")
        }
        ciphertext.removeLast(ciphertext.count - written)
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        try OpenSSL.check(
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(tagByteCount), &tag), "EVP_CTRL_AEAD_GET_TAG")
        return SealedBox(ciphertext: ciphertext, tag: tag)
    }

    static func open(
        cipher: OpaquePointer, name: String, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer,
        tagTiming: TagTiming
    ) throws(CryptoError) -> SecureBytes {
        OpenSSL.clearErrors()
        let context = try OpenSSL.notNull(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        defer { EVP_CIPHER_CTX_free(context) }
        let tagPointer = UnsafeMutableRawPointer(mutating: tag.bytePointer)
        try OpenSSL.check(EVP_DecryptInit_ex(context, cipher, nil, nil, nil), "EVP_DecryptInit_ex")
        try OpenSSL.check(
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonce.count), nil),
            "EVP_CTRL_AEAD_SET_IVLEN", code: .invalidNonceLength)
        if tagTiming == .beforeKey {
            // OCB: first the tag length (NULL data), then the expected tag itself.
            try OpenSSL.check(
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tag.count), nil),
                "EVP_CTRL_AEAD_SET_TAG", code: .invalidTagLength)
            try OpenSSL.check(
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tag.count), tagPointer),
                "EVP_CTRL_AEAD_SET_TAG", code: .invalidTagLength)
        }
        try OpenSSL.check(
            EVP_DecryptInit_ex(context, nil, nil, key.bytePointer, nonce.bytePointer), "EVP_DecryptInit_ex")
        var length: Int32 = 0
        if additionalData.count > 0 {
            try OpenSSL.check(
                EVP_DecryptUpdate(context, nil, &length, additionalData.bytePointer, try int32Length(additionalData.count)),
                "EVP_DecryptUpdate")
        }
        let plaintext = try SecureBytes(capacity: ciphertext.count + 32) { (output) throws(CryptoError) -> Int in
            let base = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var written = 0
            if ciphertext.count > 0 {
                try OpenSSL.check(
                    EVP_DecryptUpdate(context, base, &length, ciphertext.bytePointer, try int32Length(ciphertext.count)),
                    "EVP_DecryptUpdate")
                written = Int(length)
            }
            if tagTiming == .beforeFinal {
                try OpenSSL.check(
                    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tag.count), tagPointer),
                    "EVP_CTRL_AEAD_SET_TAG", code: .invalidTagLength)
            }
            guard EVP_DecryptFinal_ex(context, base + written, &length) > 0 else {
                OpenSSL.clearErrors()
                OPENSSL_cleanse(output.baseAddress, output.count)
                throw CryptoError(.authenticationFailed, "\(name) authentication failed: wrong key or tampered data")
            }
            written += Int(length)
            return written
        }
        guard plaintext.count == ciphertext.count else {
            throw CryptoError(.libraryFailure, "\(name) produced \(plaintext.count) bytes for \(ciphertext.count)")
        }
        return plaintext
    }
}
