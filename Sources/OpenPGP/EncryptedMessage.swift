import CryptoPrimitives

/// The outer packets of an encrypted message (RFC 9580 §10.3): session key packets followed by one
/// encrypted data packet.
struct EncryptedMessage {
    let sessionKeyPackets: [PublicKeyEncryptedSessionKey]
    /// Session key packets of versions this implementation does not read, reported when nothing else works.
    let unreadableSessionKeyPackets: [OpenPGPError]
    let container: EncryptedContainer

    /// Reads an armored (`-----BEGIN PGP MESSAGE-----`) or binary message.
    static func parse(_ input: some Collection<UInt8>) throws(OpenPGPError) -> EncryptedMessage {
        var reader = PacketReader(try dearmor(input))
        var sessionKeyPackets: [PublicKeyEncryptedSessionKey] = []
        var unreadable: [OpenPGPError] = []
        var hasPassphrasePackets = false
        while let packet = try reader.next() {
            switch packet.tag {
            case .publicKeyEncryptedSessionKey:
                do {
                    sessionKeyPackets.append(try PublicKeyEncryptedSessionKey.parse(packet.body))
                } catch where error.code == .unsupportedPacket {
                    unreadable.append(error)
                }
            case .symmetricKeyEncryptedSessionKey:
                hasPassphrasePackets = true
            case .marker, .padding:
                continue
            case .symmetricallyEncryptedIntegrityProtectedData, .ocbEncryptedData, .symmetricallyEncryptedData:
                let container = try EncryptedContainer.parse(packet)
                if sessionKeyPackets.isEmpty, unreadable.isEmpty {
                    if hasPassphrasePackets {
                        throw OpenPGPError(
                            .unsupportedPacket,
                            "the message is encrypted with a passphrase only (symmetric encryption); only messages encrypted to public keys are supported")
                    }
                    throw OpenPGPError(.malformedPacket, "the message has no session key packets before its encrypted data")
                }
                return EncryptedMessage(
                    sessionKeyPackets: sessionKeyPackets, unreadableSessionKeyPackets: unreadable, container: container)
            case .literalData, .compressedData, .onePassSignature, .signature:
                throw OpenPGPError(.unsupportedPacket, "the message is not encrypted (it starts with a \(packet.tag))")
            case .secretKey, .publicKey, .secretSubkey, .publicSubkey:
                throw OpenPGPError(.unsupportedPacket, "the input is an OpenPGP key, not an encrypted message")
            default:
                throw OpenPGPError(.malformedPacket, "unexpected \(packet.tag) in an encrypted message")
            }
        }
        throw OpenPGPError(.malformedPacket, "the message holds no encrypted data packet")
    }

    private static func dearmor(_ input: some Collection<UInt8>) throws(OpenPGPError) -> SecureBytes {
        if ASCIIArmor.looksBinary(input) { return SecureBytes(input) }
        let blocks = try ASCIIArmor.decodeAll(input)
        guard let message = blocks.first(where: { $0.label == "MESSAGE" }) else {
            throw OpenPGPError(
                .malformedArmor, "expected a '-----BEGIN PGP MESSAGE-----' block, found '\(blocks[0].label)'")
        }
        return message.data
    }
}
