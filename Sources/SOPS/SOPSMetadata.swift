import YAML

/// A master key listed in a file's metadata: what can unwrap the data key (or one Shamir share).
/// The `encryptedDataKey` fields are public ciphertext, but are still never printed in errors.
public enum MasterKey: Sendable, Equatable, CustomStringConvertible {
    case age(recipient: String, encryptedDataKey: String)
    case pgp(fingerprint: String, createdAt: String, encryptedDataKey: String)
    case kms(arn: String, role: String, context: [(String, String)], awsProfile: String, createdAt: String, encryptedDataKey: String)
    case gcpKMS(resourceID: String, createdAt: String, encryptedDataKey: String)
    case azureKeyVault(vaultURL: String, name: String, version: String, createdAt: String, encryptedDataKey: String)
    case hashiCorpVault(vaultAddress: String, enginePath: String, keyName: String, createdAt: String, encryptedDataKey: String)
    /// HuaweiCloud KMS (sops ≥ 3.11): recognised, but not supported by this agent.
    case huaweiCloudKMS(keyID: String, createdAt: String, encryptedDataKey: String)

    /// The metadata list name (`age`, `pgp`, `kms`, `gcp_kms`, `azure_kv`, `hc_vault`, `hckms`).
    public var typeName: String {
        switch self {
        case .age: "age"
        case .pgp: "pgp"
        case .kms: "kms"
        case .gcpKMS: "gcp_kms"
        case .azureKeyVault: "azure_kv"
        case .hashiCorpVault: "hc_vault"
        case .huaweiCloudKMS: "hckms"
        }
    }

    /// The key's public identity as sops prints it (recipient, fingerprint, ARN, resource id, URL).
    public var identifier: String {
        switch self {
        case .age(let recipient, _): return recipient
        case .pgp(let fingerprint, _, _): return fingerprint
        case .kms(let arn, let role, let context, let profile, _, _):
            var text = arn
            if !role.isEmpty { text += "+" + role }
            if !context.isEmpty { text += "|" + context.map { "\($0.0):\($0.1)" }.joined(separator: ",") }
            if !profile.isEmpty { text += "|" + profile }
            return text
        case .gcpKMS(let resourceID, _, _): return resourceID
        case .azureKeyVault(let vaultURL, let name, let version, _, _): return "\(vaultURL)/keys/\(name)/\(version)"
        case .hashiCorpVault(let address, let enginePath, let keyName, _, _): return "\(address)/v1/\(enginePath)/keys/\(keyName)"
        case .huaweiCloudKMS(let keyID, _, _): return keyID
        }
    }

    /// The wrapped data key (or share) as stored in the file.
    public var encryptedDataKey: String {
        switch self {
        case .age(_, let enc), .pgp(_, _, let enc), .kms(_, _, _, _, _, let enc), .gcpKMS(_, _, let enc),
            .azureKeyVault(_, _, _, _, let enc), .hashiCorpVault(_, _, _, _, let enc), .huaweiCloudKMS(_, _, let enc):
            return enc
        }
    }

    public var description: String { "\(typeName) \(identifier)" }

    public static func == (lhs: MasterKey, rhs: MasterKey) -> Bool {
        lhs.typeName == rhs.typeName && lhs.identifier == rhs.identifier && lhs.encryptedDataKey == rhs.encryptedDataKey
    }

    /// sops' default decryption order inside a group (`age`, then `pgp`, then the rest in file order).
    var decryptionPriority: Int {
        switch self {
        case .age: 0
        case .pgp: 1
        default: 2
        }
    }
}

/// Which leaves are encrypted: at most one selector is set in a file (`unencrypted_suffix: _unencrypted` by default).
public enum EncryptionSelector: Sendable, Equatable {
    case unencryptedSuffix(String)
    case encryptedSuffix(String)
    case unencryptedRegex(String)
    case encryptedRegex(String)
    case unencryptedCommentRegex(String)
    case encryptedCommentRegex(String)

    /// The metadata key that holds this selector.
    public var metadataKey: String {
        switch self {
        case .unencryptedSuffix: "unencrypted_suffix"
        case .encryptedSuffix: "encrypted_suffix"
        case .unencryptedRegex: "unencrypted_regex"
        case .encryptedRegex: "encrypted_regex"
        case .unencryptedCommentRegex: "unencrypted_comment_regex"
        case .encryptedCommentRegex: "encrypted_comment_regex"
        }
    }
}

/// The `sops` metadata of a file, as sops 3.11 reads it.
public struct SOPSMetadata: Sendable, Equatable {
    /// Key groups in file order; a single group means no Shamir splitting.
    public var keyGroups: [[MasterKey]]
    public var shamirThreshold: Int
    /// `lastmodified` as parsed (the MAC's AAD is its RFC 3339 re-formatting).
    public var lastModified: YAMLTimestamp
    /// The encrypted MAC (`ENC[...]`), possibly empty.
    public var messageAuthenticationCode: String
    public var selector: EncryptionSelector
    public var macOnlyEncrypted: Bool
    /// The sops version that wrote the file (informational).
    public var version: String

    public init(keyGroups: [[MasterKey]], shamirThreshold: Int, lastModified: YAMLTimestamp, messageAuthenticationCode: String,
        selector: EncryptionSelector, macOnlyEncrypted: Bool, version: String)
    {
        self.keyGroups = keyGroups
        self.shamirThreshold = shamirThreshold
        self.lastModified = lastModified
        self.messageAuthenticationCode = messageAuthenticationCode
        self.selector = selector
        self.macOnlyEncrypted = macOnlyEncrypted
        self.version = version
    }

    /// Every master key of every group, in file order.
    public var masterKeys: [MasterKey] { keyGroups.flatMap { $0 } }
}
