import CryptoPrimitives

/// The curves OpenPGP ECC keys name by OID (RFC 9580 §9.2), and which of them ECDH decryption supports.
enum EllipticCurve: Hashable, CustomStringConvertible {
    case nistP256
    case nistP384
    case nistP521
    /// Curve25519Legacy: X25519 in the 0x40-prefixed, big-endian-secret form GnuPG writes as "cv25519".
    case curve25519Legacy
    case ed25519Legacy
    case brainpoolP256
    case brainpoolP384
    case brainpoolP512
    case other(oid: [UInt8])

    init(oid: some Collection<UInt8>) {
        switch Array(oid) {
        case [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]: self = .nistP256
        case [0x2B, 0x81, 0x04, 0x00, 0x22]: self = .nistP384
        case [0x2B, 0x81, 0x04, 0x00, 0x23]: self = .nistP521
        case [0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01]: self = .curve25519Legacy
        case [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01]: self = .ed25519Legacy
        case [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07]: self = .brainpoolP256
        case [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B]: self = .brainpoolP384
        case [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D]: self = .brainpoolP512
        case let other: self = .other(oid: other)
        }
    }

    /// The OpenSSL curve for NIST curves.
    var nistCurve: ECDH.Curve? {
        switch self {
        case .nistP256: .p256
        case .nistP384: .p384
        case .nistP521: .p521
        default: nil
        }
    }

    var description: String {
        switch self {
        case .nistP256: "NIST P-256"
        case .nistP384: "NIST P-384"
        case .nistP521: "NIST P-521"
        case .curve25519Legacy: "Curve25519 (cv25519)"
        case .ed25519Legacy: "Ed25519"
        case .brainpoolP256: "brainpoolP256r1"
        case .brainpoolP384: "brainpoolP384r1"
        case .brainpoolP512: "brainpoolP512r1"
        case .other(let oid): "curve with OID \(hexString(oid))"
        }
    }
}
