import JSON
import KMS
import YAML

/// Cloud KMS credentials from a decryption Secret, as Flux's kustomize-controller reads them; each
/// replaces the ambient credential chain of its provider:
/// `sops.aws-kms` (YAML `aws_access_key_id`, `aws_secret_access_key`, optional `aws_session_token`),
/// `sops.gcp-kms` (a Google credentials JSON), `sops.azure-kv` (JSON or YAML, UTF-8 or UTF-16 with a
/// byte order mark: `tenantId` + `clientId` + `clientSecret` or `clientCertificate`, or `appId` +
/// `tenant` + `password`, or only `clientId` for a managed identity; optional `authorityHost`),
/// `sops.vault-token` (a token, whitespace trimmed). Never prints the values.
public struct KMSServiceCredentials: Sendable, CustomStringConvertible {
    public var aws: AWSCredentials?
    public var gcp: GCPCredentials?
    public var azure: AzureCredentials?
    public var vaultToken: String?
    /// Which entry each credential came from (`Secret "sops-keys" entry sops.aws-kms`), by provider.
    public private(set) var origins: [String: String] = [:]

    /// The entry names Flux reads for cloud KMS credentials.
    public static let entryNames: Set<String> = ["sops.aws-kms", "sops.gcp-kms", "sops.azure-kv", "sops.vault-token"]

    public init() {}

    public var isEmpty: Bool { aws == nil && gcp == nil && azure == nil && vaultToken == nil }

    public var description: String {
        var parts: [String] = []
        if aws != nil { parts.append("AWS") }
        if gcp != nil { parts.append("GCP") }
        if azure != nil { parts.append("Azure") }
        if vaultToken != nil { parts.append("Vault token") }
        return "KMSServiceCredentials(\(parts.isEmpty ? "none" : parts.joined(separator: ", ")))"
    }

    /// Parses one Secret entry when its name is one of `entryNames`; returns whether it was used.
    /// A malformed entry fails (as in Flux: "failed to import '<name>' …"), without its contents.
    @discardableResult
    public mutating func addEntry(named name: String, contents: [UInt8], source: String) throws(SOPSError) -> Bool {
        guard Self.entryNames.contains(name) else { return false }
        let origin = "\(source) entry \(name)"
        func failure(_ reason: String) -> SOPSError {
            SOPSError(.invalidKeyMaterial, "failed to import '\(name)' from \(source): \(reason)")
        }
        switch name {
        case "sops.vault-token":
            let token = Self.trimmed(String(decoding: contents, as: UTF8.self))
            guard !token.isEmpty else { return false }
            vaultToken = token
            origins["vault"] = origin
        case "sops.aws-kms":
            let fields = try Self.document(contents, failure: failure)
            let accessKeyID = try Self.string(fields, "aws_access_key_id", failure: failure)
            let secret = try Self.string(fields, "aws_secret_access_key", failure: failure)
            guard let accessKeyID, let secret else {
                throw failure("aws_access_key_id and aws_secret_access_key are required")
            }
            aws = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret,
                sessionToken: try Self.string(fields, "aws_session_token", failure: failure), source: origin)
            origins["aws"] = origin
        case "sops.gcp-kms":
            var bytes = contents[...]
            while let first = bytes.first, first == 0x0A || first == 0x0D { bytes = bytes.dropFirst() }
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
            do {
                gcp = try GCPCredentials(json: Array(bytes), origin: origin)
            } catch {
                throw failure(error.message)
            }
            origins["gcp"] = origin
        default:
            azure = try Self.azureCredentials(try Self.document(try Self.decodingByteOrderMark(contents, failure: failure), failure: failure),
                origin: origin, failure: failure)
            origins["azure"] = origin
        }
        return true
    }

    /// Combines two sets; entries of `other` win.
    public mutating func merge(_ other: KMSServiceCredentials) {
        if let aws = other.aws { self.aws = aws }
        if let gcp = other.gcp { self.gcp = gcp }
        if let azure = other.azure { self.azure = azure }
        if let vaultToken = other.vaultToken { self.vaultToken = vaultToken }
        origins.merge(other.origins) { $1 }
    }

    // MARK: - Parsing

    /// A YAML (or JSON) mapping with case-insensitive keys, as Go's JSON decoding matches fields.
    private static func document(_ bytes: [UInt8], failure: (String) -> SOPSError) throws(SOPSError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            guard let root = try YAMLParser.parseDocuments(bytes).first else { throw failure("the entry is empty") }
            value = try root.jsonValue()
        } catch let error as SOPSError {
            throw error
        } catch {
            throw failure("not a YAML or JSON mapping")
        }
        guard let object = value.objectValue else { throw failure("not a YAML or JSON mapping") }
        var fields: [String: JSONValue] = [:]
        for (key, member) in object { fields[key.lowercased()] = member }
        return fields
    }

    private static func string(_ fields: [String: JSONValue], _ name: String, failure: (String) -> SOPSError) throws(SOPSError) -> String? {
        guard let value = fields[name.lowercased()], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw failure("\(name) must be a string (quote it)") }
        return text.isEmpty ? nil : text
    }

    private static func bool(_ fields: [String: JSONValue], _ name: String, failure: (String) -> SOPSError) throws(SOPSError) -> Bool {
        guard let value = fields[name.lowercased()], !value.isNull else { return false }
        guard let flag = value.boolValue else { throw failure("\(name) must be true or false") }
        return flag
    }

    /// Flux's selection (`TokenCredentialFromAADConfig`).
    private static func azureCredentials(_ fields: [String: JSONValue], origin: String, failure: (String) -> SOPSError) throws(SOPSError)
        -> AzureCredentials
    {
        let tenantID = try string(fields, "tenantId", failure: failure)
        let clientID = try string(fields, "clientId", failure: failure)
        let authority = try string(fields, "authorityHost", failure: failure)
        if let tenantID, let clientID {
            if let secret = try string(fields, "clientSecret", failure: failure) {
                return .clientSecret(tenantID: tenantID, clientID: clientID, secret: secret, authorityHost: authority, origin: origin)
            }
            if let certificate = try string(fields, "clientCertificate", failure: failure) {
                let password = try string(fields, "clientCertificatePassword", failure: failure)
                let sendChain = try bool(fields, "clientCertificateSendChain", failure: failure)
                do throws(KMSError) {
                    return try .clientCertificate(
                        tenantID: tenantID, clientID: clientID, pem: certificate, password: password, sendChain: sendChain,
                        authorityHost: authority, origin: origin)
                } catch {
                    throw failure(error.message)
                }
            }
        }
        if let tenant = try string(fields, "tenant", failure: failure), let appID = try string(fields, "appId", failure: failure),
            let password = try string(fields, "password", failure: failure)
        {
            return .clientSecret(tenantID: tenant, clientID: appID, secret: password, authorityHost: authority, origin: origin)
        }
        if let clientID {
            return .managedIdentity(clientID: clientID, origin: origin)
        }
        throw failure("requires a 'clientId' field, a combination of 'tenantId', 'clientId' and 'clientSecret', "
            + "or 'tenantId', 'clientId' and 'clientCertificate'")
    }

    /// UTF-16 (either byte order) with a byte order mark becomes UTF-8; a UTF-8 BOM is dropped.
    private static func decodingByteOrderMark(_ bytes: [UInt8], failure: (String) -> SOPSError) throws(SOPSError) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        let littleEndian: Bool
        if bytes.starts(with: [0xFF, 0xFE]) {
            littleEndian = true
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            littleEndian = false
        } else {
            return bytes
        }
        let body = bytes.dropFirst(2)
        guard body.count % 2 == 0 else { throw failure("UTF-16 text with an odd number of bytes") }
        var units: [UInt16] = []
        var index = body.startIndex
        while index < body.endIndex {
            let first = UInt16(body[index]), second = UInt16(body[index + 1])
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    private static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
