import CryptoPrimitives

/// Shamir secret sharing over GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1, in the share layout
/// sops uses: one polynomial value per secret byte followed by the share's x coordinate as the last byte.
enum ShamirSecretSharing {
    struct Failure: Error {
        var message: String
    }

    /// Multiplication in GF(2^8) without table lookups (no secret-dependent memory access).
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a
        var b = b
        var product: UInt8 = 0
        for _ in 0..<8 {
            product ^= UInt8(bitPattern: -Int8(bitPattern: b & 1)) & a
            let carry = UInt8(bitPattern: -Int8(bitPattern: a >> 7))
            a = (a << 1) ^ (carry & 0x1B)
            b >>= 1
        }
        return product
    }

    /// The multiplicative inverse (a^254); the inverse of 0 is 0.
    static func inverse(_ a: UInt8) -> UInt8 {
        var result: UInt8 = 1
        var base = a
        var exponent = 254
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// Recovers the secret from at least two shares (Lagrange interpolation at x = 0).
    static func combine(_ shares: [SecureBytes]) throws(Failure) -> SecureBytes {
        guard shares.count >= 2 else { throw Failure(message: "less than two shares cannot reconstruct the secret") }
        let length = shares[0].count
        guard length >= 2 else { throw Failure(message: "shares must be at least two bytes long") }
        guard shares.allSatisfy({ $0.count == length }) else { throw Failure(message: "all shares must be the same length") }
        let xs = shares.map { $0[length - 1] }
        guard Set(xs).count == xs.count else { throw Failure(message: "duplicate share detected") }
        // Lagrange basis at 0: l_j = Π_{m≠j} x_m / (x_j ⊕ x_m).
        var basis: [UInt8] = []
        for j in 0..<xs.count {
            var numerator: UInt8 = 1
            var denominator: UInt8 = 1
            for m in 0..<xs.count where m != j {
                numerator = multiply(numerator, xs[m])
                denominator = multiply(denominator, xs[j] ^ xs[m])
            }
            basis.append(multiply(numerator, inverse(denominator)))
        }
        var secret = SecureBytes(zeroes: length - 1)
        secret.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            for index in 0..<(length - 1) {
                var value: UInt8 = 0
                for j in 0..<shares.count {
                    value ^= multiply(shares[j][index], basis[j])
                }
                buffer[index] = value
            }
        }
        return secret
    }
}
