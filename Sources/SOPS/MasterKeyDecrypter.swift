import AgeCrypto
import CryptoPrimitives

/// Something that can unwrap a file's data key (or Shamir share) from one master key entry: the age
/// identities held here, an OpenPGP key ring, a KMS client. Other targets plug in by conforming.
public protocol MasterKeyDecrypter: Sendable {
    /// A short description of what this decrypter holds, for "no key could decrypt" reports
    /// (for example `2 age identities`); never key material.
    var holdings: String { get }

    /// Returns the unwrapped data key or share; `nil` when this decrypter does not handle the key's
    /// type (the next decrypter is asked). Throws when it handles the type but cannot unwrap this entry
    /// (no matching identity, wrong key, service error); the error text must not contain secrets.
    func decryptDataKey(_ masterKey: MasterKey) async throws -> SecureBytes?
}

/// Unwraps `age` master keys with X25519 identities (from `.agekey` entries or key files).
public struct AgeMasterKeyDecrypter: MasterKeyDecrypter {
    public let identities: [AgeX25519Identity]

    public init(identities: [AgeX25519Identity]) {
        self.identities = identities
    }

    public var holdings: String {
        switch identities.count {
        case 0: "no age identities"
        case 1: "1 age identity"
        default: "\(identities.count) age identities"
        }
    }

    public func decryptDataKey(_ masterKey: MasterKey) async throws -> SecureBytes? {
        guard case .age(let recipient, let encrypted) = masterKey else { return nil }
        guard !identities.isEmpty else {
            throw SOPSError(.noKeyDecrypted, "no age identity is loaded")
        }
        do {
            return try AgeFile.decrypt(Array(encrypted.utf8), identities: identities.map { .x25519($0) }, format: .armored)
        } catch {
            if error.code == .noMatchingIdentity {
                throw SOPSError(.noKeyDecrypted, "none of the \(holdings) matches recipient \(recipient)")
            }
            throw SOPSError(.noKeyDecrypted, "cannot decrypt the age-wrapped data key for \(recipient): \(error.message)")
        }
    }
}

/// Unwraps `pgp` master keys by handing the armored message (`enc`) to an OpenPGP implementation,
/// for example `PGPMasterKeyDecrypter(keyCount: ring.count) { try ring.decrypt(armoredMessage: $0) }`.
public struct PGPMasterKeyDecrypter: MasterKeyDecrypter {
    private let keyCount: Int
    private let decryptArmoredMessage: @Sendable (String) async throws -> SecureBytes

    /// - Parameters:
    ///   - keyCount: how many private keys the ring holds (for reports only).
    ///   - decryptArmoredMessage: decrypts an ASCII-armored OpenPGP message; its errors must not contain secrets.
    public init(keyCount: Int, decryptArmoredMessage: @escaping @Sendable (String) async throws -> SecureBytes) {
        self.keyCount = keyCount
        self.decryptArmoredMessage = decryptArmoredMessage
    }

    public var holdings: String { keyCount == 1 ? "1 OpenPGP private key" : "\(keyCount) OpenPGP private keys" }

    public func decryptDataKey(_ masterKey: MasterKey) async throws -> SecureBytes? {
        guard case .pgp(_, _, let encrypted) = masterKey else { return nil }
        return try await decryptArmoredMessage(encrypted)
    }
}

/// Refuses master key types the agent does not support, so reports say why instead of "no decrypter".
struct UnsupportedMasterKeyDecrypter: MasterKeyDecrypter {
    var holdings: String { "" }

    func decryptDataKey(_ masterKey: MasterKey) async throws -> SecureBytes? {
        if case .huaweiCloudKMS = masterKey {
            throw SOPSError(.unsupportedKeyType, "HuaweiCloud KMS (hckms) master keys are not supported by this agent")
        }
        return nil
    }
}
