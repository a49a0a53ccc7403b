import CryptoPrimitives

/// Secret keys read from armored (or binary) key files, as `gpg --export-secret-keys --armor` and
/// Sequoia write them, ready to decrypt OpenPGP messages without gpg, a keyring or GNUPGHOME.
///
/// Keys are parsed once. Keys that cannot decrypt (passphrase-protected, smartcard stubs, unsupported
/// curves) are kept with a `problem` and reported, without failing the other keys. The value is
/// immutable and safe to share between tasks.
public struct OpenPGPKeyRing: Sendable {
    let secretKeys: [SecretKey]
    /// Problems with whole inputs (e.g. an input holding only public keys); per-key problems are in `keys`.
    private let inputProblems: [OpenPGPError]

    /// Reads every secret key from each input (one or more armor blocks, or binary packets).
    /// - Parameters:
    ///   - armoredKeys: the key files' contents.
    ///   - sourceNames: names for the inputs in error messages (e.g. Secret entry names); optional.
    /// - Throws: `malformedArmor` / `malformedPacket` naming the input when one cannot be read at all.
    public init<Bytes: Collection<UInt8>>(armoredKeys: [Bytes], sourceNames: [String] = []) throws(OpenPGPError) {
        var keys: [SecretKey] = []
        var indexByFingerprint: [[UInt8]: Int] = [:]
        var problems: [OpenPGPError] = []
        for (position, input) in armoredKeys.enumerated() {
            let name = position < sourceNames.count ? "key input '\(sourceNames[position])'" : "key input \(position + 1)"
            let loaded: KeyFile
            do {
                loaded = try KeyFile.read(input)
            } catch {
                throw OpenPGPError(error.code, "\(name): \(error.message)")
            }
            problems.append(contentsOf: loaded.problems.map { OpenPGPError($0.code, "\(name): \($0.message)") })
            if loaded.keys.isEmpty, loaded.problems.isEmpty {
                problems.append(OpenPGPError(
                    .secretKeyUnavailable, "\(name) holds no secret keys (only public keys?); export it with gpg --export-secret-keys"))
            }
            for key in loaded.keys {
                if let existing = indexByFingerprint[key.fingerprint] {
                    // The same key twice (e.g. in two files): keep a usable copy over an unusable one.
                    if keys[existing].problem != nil, key.problem == nil { keys[existing] = key }
                    continue
                }
                indexByFingerprint[key.fingerprint] = keys.count
                keys.append(key)
            }
        }
        self.secretKeys = keys
        self.inputProblems = problems
    }

    /// Reads every secret key from armored key texts.
    public init(armoredKeys: [String], sourceNames: [String] = []) throws(OpenPGPError) {
        try self.init(armoredKeys: armoredKeys.map { Array($0.utf8) }, sourceNames: sourceNames)
    }

    /// Every primary key and subkey read, in input order.
    public var keys: [OpenPGPKeyInfo] {
        secretKeys.map { key in
            OpenPGPKeyInfo(
                fingerprint: key.fingerprintHex, keyID: key.keyIDHex, primaryFingerprint: hexString(key.primaryFingerprint),
                isSubkey: key.isSubkey, version: key.version, algorithm: key.algorithmDescription,
                canDecrypt: key.decryptionMaterial != nil && key.problem == nil, problem: key.problem)
        }
    }

    /// Primary key fingerprints (uppercase hex), in input order, each once.
    public var fingerprints: [String] {
        var seen = Set<[UInt8]>()
        return secretKeys.compactMap { key in
            seen.insert(key.primaryFingerprint).inserted ? hexString(key.primaryFingerprint) : nil
        }
    }

    /// Key IDs (16 uppercase hex digits) of every primary key and subkey.
    public var keyIDs: [String] { secretKeys.map(\.keyIDHex) }

    /// Everything that makes a key or an input unusable: passphrase protection, stubs, unsupported
    /// algorithms, inputs without secret keys. Empty when every encryption key can decrypt.
    public var problems: [OpenPGPError] {
        inputProblems + secretKeys.compactMap(\.problem)
    }

    /// The recipients a message names, without decrypting it (for diagnostics).
    public static func recipients(of message: some Collection<UInt8>) throws(OpenPGPError) -> [OpenPGPRecipient] {
        try EncryptedMessage.parse(message).sessionKeyPackets.map { packet in
            OpenPGPRecipient(
                keyID: packet.keyID.map { hexString($0) }, fingerprint: packet.fingerprint.map { hexString($0) },
                algorithm: packet.algorithm.description, isAnonymous: packet.isAnonymous)
        }
    }
}
