#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import KMS

/// Unwraps `kms`, `gcp_kms`, `azure_kv` and `hc_vault` master keys with the KMS clients: the `enc`
/// field is decoded as sops stores it (standard base64 for AWS and GCP, base64url without padding
/// for Azure, the `vault:vN:…` string for Vault) and sent to the key the entry names. Credentials
/// from the decryption Secret (`KMSServiceCredentials`) replace each provider's ambient chain.
public struct KMSMasterKeyDecrypter: MasterKeyDecrypter {
    public let aws: AWSKMSClient
    public let gcp: GCPKMSClient
    public let azure: AzureKeyVaultClient
    public let vault: VaultTransitClient
    public let credentials: KMSServiceCredentials

    /// Clients sharing `session` (HTTP clients, cached temporary credentials and tokens).
    public init(session: KMSSession, credentials: KMSServiceCredentials = KMSServiceCredentials()) {
        aws = AWSKMSClient(session: session, staticCredentials: credentials.aws)
        gcp = GCPKMSClient(session: session, credentials: credentials.gcp)
        azure = AzureKeyVaultClient(session: session, credentials: credentials.azure)
        vault = VaultTransitClient(session: session, token: credentials.vaultToken)
        self.credentials = credentials
    }

    /// Clients using the KMS credentials of `keys` (its Secret's `sops.*` entries), else the ambient chains.
    public init(keys: DecryptionKeys, session: KMSSession) {
        self.init(session: session, credentials: keys.serviceCredentials)
    }

    public var holdings: String {
        func origin(_ provider: String) -> String {
            credentials.origins[provider].map { "credentials from \($0)" } ?? "ambient credentials"
        }
        return "cloud KMS clients (AWS KMS: \(origin("aws")); GCP Cloud KMS: \(origin("gcp")); Azure Key Vault: \(origin("azure")); "
            + "Vault transit: \(credentials.vaultToken != nil ? "token from \(credentials.origins["vault"] ?? "the Secret")" : "ambient token"))"
    }

    public func decryptDataKey(_ masterKey: MasterKey) async throws -> SecureBytes? {
        do throws(KMSError) {
            switch masterKey {
            case .kms(let arn, let role, let context, let profile, _, let encrypted):
                guard let blob = Self.base64(encrypted) else { throw Self.malformed("kms", "standard base64") }
                var encryptionContext: [String: String] = [:]
                for (name, value) in context { encryptionContext[name] = value }
                return try await aws.decrypt(ciphertextBlob: blob, keyARN: arn, encryptionContext: encryptionContext, role: role, profile: profile)
            case .gcpKMS(let resourceID, _, let encrypted):
                guard let ciphertext = Self.base64(encrypted) else { throw Self.malformed("gcp_kms", "standard base64") }
                return try await gcp.decrypt(ciphertext: ciphertext, resourceID: resourceID)
            case .azureKeyVault(let vaultURL, let name, let version, _, let encrypted):
                guard let ciphertext = Self.base64URL(encrypted) else { throw Self.malformed("azure_kv", "base64url") }
                return try await azure.decrypt(ciphertext: ciphertext, vaultURL: vaultURL, keyName: name, keyVersion: version)
            case .hashiCorpVault(let address, let enginePath, let keyName, _, let encrypted):
                guard encrypted.hasPrefix("vault:") else { throw Self.malformed("hc_vault", "a Vault transit ciphertext (vault:v1:…)") }
                return try await vault.decrypt(ciphertext: encrypted, address: address, enginePath: enginePath, keyName: keyName)
            default:
                return nil
            }
        } catch {
            var message = "\(error.provider): \(error.message)"
            if error.isTransient {
                message += " (transient failure, gave up after \(error.attempts) attempt\(error.attempts == 1 ? "" : "s"))"
            }
            throw SOPSError(.noKeyDecrypted, message)
        }
    }

    /// A marker error for an `enc` that does not decode; mapped to a SOPSError by the caller.
    private static func malformed(_ type: String, _ encoding: String) -> KMSError {
        let provider: KMSError.Provider = switch type {
        case "kms": .awsKMS
        case "gcp_kms": .gcpKMS
        case "azure_kv": .azureKeyVault
        default: .vaultTransit
        }
        return KMSError(.invalidCiphertext, provider: provider, key: "", "the enc field is not \(encoding)")
    }

    private static func base64(_ text: String) -> [UInt8]? {
        let compact = text.filter { !$0.isWhitespace }
        guard !compact.isEmpty else { return nil }
        return Data(base64Encoded: compact).map { Array($0) }
    }

    private static func base64URL(_ text: String) -> [UInt8]? {
        var normalized = String(text.filter { !$0.isWhitespace }.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while normalized.hasSuffix("=") { normalized.removeLast() }
        guard !normalized.isEmpty, normalized.utf8.count % 4 != 1 else { return nil }
        normalized += String(repeating: "=", count: (4 - normalized.utf8.count % 4) % 4)
        return base64(normalized)
    }
}
