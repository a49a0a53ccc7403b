import CryptoPrimitives

/// The keys and per-key problems of one key file.
struct KeyFile {
    var keys: [SecretKey] = []
    var problems: [OpenPGPError] = []

    static func read(_ input: some Collection<UInt8>) throws(OpenPGPError) -> KeyFile {
        var file = KeyFile()
        let sections: [SecureBytes]
        if ASCIIArmor.looksBinary(input) {
            sections = [SecureBytes(input)]
        } else {
            sections = try ASCIIArmor.decodeAll(input).compactMap { block in
                switch block.label {
                case "PRIVATE KEY BLOCK", "SECRET KEY BLOCK", "PUBLIC KEY BLOCK": block.data
                default: nil
                }
            }
            guard !sections.isEmpty else {
                throw OpenPGPError(.malformedArmor, "no '-----BEGIN PGP PRIVATE KEY BLOCK-----' block found")
            }
        }
        for section in sections { try file.readPackets(section) }
        return file
    }

    private mutating func readPackets(_ data: SecureBytes) throws(OpenPGPError) {
        var reader = PacketReader(data)
        var primaryFingerprint: [UInt8]?
        while let packet = try reader.next() {
            switch packet.tag {
            case .secretKey, .secretSubkey:
                let isSubkey = packet.tag == .secretSubkey
                switch try SecretKeyPacket.parse(packet.body, primaryFingerprint: isSubkey ? primaryFingerprint : nil) {
                case .key(let key):
                    if !isSubkey { primaryFingerprint = key.fingerprint }
                    keys.append(key)
                case .unidentifiable(let error):
                    if !isSubkey { primaryFingerprint = nil }
                    problems.append(error)
                }
            case .publicKey:
                // A public key block (or a certificate next to the secret keys): nothing to decrypt with.
                primaryFingerprint = nil
            default:
                // User IDs, signatures, public subkeys, trust, markers, padding: not needed to decrypt.
                continue
            }
        }
    }
}
