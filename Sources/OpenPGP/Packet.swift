import CryptoPrimitives

/// One OpenPGP packet: its tag and its body with the framing removed (partial body chunks joined).
struct Packet {
    let tag: PacketTag
    let body: SecureBytes
}

/// Packet tags (RFC 9580 §5, plus the LibrePGP OCB Encrypted Data packet).
struct PacketTag: RawRepresentable, Hashable, CustomStringConvertible {
    let rawValue: UInt8

    static let publicKeyEncryptedSessionKey = PacketTag(rawValue: 1)
    static let signature = PacketTag(rawValue: 2)
    static let symmetricKeyEncryptedSessionKey = PacketTag(rawValue: 3)
    static let onePassSignature = PacketTag(rawValue: 4)
    static let secretKey = PacketTag(rawValue: 5)
    static let publicKey = PacketTag(rawValue: 6)
    static let secretSubkey = PacketTag(rawValue: 7)
    static let compressedData = PacketTag(rawValue: 8)
    static let symmetricallyEncryptedData = PacketTag(rawValue: 9)
    static let marker = PacketTag(rawValue: 10)
    static let literalData = PacketTag(rawValue: 11)
    static let trust = PacketTag(rawValue: 12)
    static let userID = PacketTag(rawValue: 13)
    static let publicSubkey = PacketTag(rawValue: 14)
    static let userAttribute = PacketTag(rawValue: 17)
    static let symmetricallyEncryptedIntegrityProtectedData = PacketTag(rawValue: 18)
    static let modificationDetectionCode = PacketTag(rawValue: 19)
    static let ocbEncryptedData = PacketTag(rawValue: 20)
    static let padding = PacketTag(rawValue: 21)

    var description: String {
        switch self {
        case .publicKeyEncryptedSessionKey: "public-key encrypted session key packet (tag 1)"
        case .signature: "signature packet (tag 2)"
        case .symmetricKeyEncryptedSessionKey: "symmetric-key encrypted session key packet (tag 3)"
        case .onePassSignature: "one-pass signature packet (tag 4)"
        case .secretKey: "secret key packet (tag 5)"
        case .publicKey: "public key packet (tag 6)"
        case .secretSubkey: "secret subkey packet (tag 7)"
        case .compressedData: "compressed data packet (tag 8)"
        case .symmetricallyEncryptedData: "symmetrically encrypted data packet (tag 9)"
        case .marker: "marker packet (tag 10)"
        case .literalData: "literal data packet (tag 11)"
        case .trust: "trust packet (tag 12)"
        case .userID: "user ID packet (tag 13)"
        case .publicSubkey: "public subkey packet (tag 14)"
        case .userAttribute: "user attribute packet (tag 17)"
        case .symmetricallyEncryptedIntegrityProtectedData: "SEIPD packet (tag 18)"
        case .modificationDetectionCode: "modification detection code packet (tag 19)"
        case .ocbEncryptedData: "OCB encrypted data packet (tag 20)"
        case .padding: "padding packet (tag 21)"
        default: "packet with tag \(rawValue)"
        }
    }
}
