import YAML

/// The `sops` metadata block in a store-neutral shape, before it is checked and typed.
indirect enum MetadataValue: Sendable {
    case map([(String, MetadataValue)])
    case list([MetadataValue])
    /// A scalar with its source text and what the store resolved it to.
    case scalar(text: String, kind: ScalarKind)
    case null

    enum ScalarKind: Sendable, Equatable {
        case string
        case integer(Int64)
        case float(Double)
        case bool(Bool)
        /// Any other scalar (a YAML timestamp, an unsigned integer …), usable only as text.
        case other
    }

    static func string(_ text: String) -> MetadataValue { .scalar(text: text, kind: .string) }

    var typeName: String {
        switch self {
        case .map: return "mapping"
        case .list: return "list"
        case .null: return "null"
        case .scalar(_, let kind):
            switch kind {
            case .string: return "string"
            case .integer: return "integer"
            case .float: return "number"
            case .bool: return "boolean"
            case .other: return "scalar"
            }
        }
    }
}

/// Turns a metadata block into `SOPSMetadata` with the typing rules of the store's Go decoder:
/// go-yaml (lenient: any scalar fills a string field), `encoding/json` (strict types, field names
/// matched without regard to case) or the flattened `sops_*` / `[sops]` form (strings, decoded weakly).
struct MetadataDecoder {
    enum Flavor {
        case yaml
        case json
        case flattened
    }

    let flavor: Flavor

    private func failure(_ message: String, _ path: [String]) -> SOPSError {
        SOPSError(.malformedMetadata, "invalid sops metadata at \((["sops"] + path).joined(separator: ".")): \(message)", path: ["sops"] + path)
    }

    private func lookup(_ members: [(String, MetadataValue)], _ name: String) -> MetadataValue? {
        switch flavor {
        case .yaml:
            return members.first(where: { $0.0 == name })?.1
        case .json, .flattened:
            // encoding/json: the last duplicate wins; exact name first, then a case-insensitive match.
            if let exact = members.last(where: { $0.0 == name }) { return exact.1 }
            return members.last(where: { $0.0.lowercased() == name.lowercased() })?.1
        }
    }

    private func string(_ value: MetadataValue?, _ path: [String]) throws(SOPSError) -> String {
        guard let value else { return "" }
        switch value {
        case .null: return ""
        case .scalar(let text, let kind):
            if kind == .string || flavor == .yaml { return text }
            throw failure("expected a string, found a \(value.typeName)", path)
        default:
            throw failure("expected a string, found a \(value.typeName)", path)
        }
    }

    private func integer(_ value: MetadataValue?, _ path: [String]) throws(SOPSError) -> Int {
        guard let value else { return 0 }
        switch value {
        case .null: return 0
        case .scalar(let text, let kind):
            switch (kind, flavor) {
            case (.integer(let number), _): return Int(number)
            case (.float(let number), .yaml) where number.isFinite && abs(number) < 9.2e18: return Int(number)
            case (.string, .flattened):
                if let number = GoNumberText.atoi(text) { return Int(number) }
                // Older sops stored the threshold as a float ("2.0").
                if let number = GoNumberText.parseFloat(text), number == number.rounded(), abs(number) < 9.2e18 { return Int(number) }
                throw failure("shamir_threshold is not an integer", path)
            default:
                throw failure("expected an integer, found a \(value.typeName)", path)
            }
        default:
            throw failure("expected an integer, found a \(value.typeName)", path)
        }
    }

    private func bool(_ value: MetadataValue?, _ path: [String]) throws(SOPSError) -> Bool {
        guard let value else { return false }
        switch value {
        case .null: return false
        case .scalar(let text, let kind):
            if case .bool(let flag) = kind { return flag }
            if flavor == .flattened { return text == "true" }
            if flavor == .yaml, kind == .string {
                // go-yaml v3 still accepts the YAML 1.1 spellings for a typed bool field.
                switch text {
                case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON": return true
                case "n", "N", "no", "No", "NO", "off", "Off", "OFF": return false
                default: break
                }
            }
            throw failure("expected a boolean, found a \(value.typeName)", path)
        default:
            throw failure("expected a boolean, found a \(value.typeName)", path)
        }
    }

    private func members(_ value: MetadataValue?, _ path: [String]) throws(SOPSError) -> [(String, MetadataValue)]? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .map(let members):
            if flavor == .yaml {
                var seen = Set<String>()
                for (key, _) in members {
                    guard seen.insert(key).inserted else { throw failure("mapping key \"\(key)\" already defined", path) }
                }
            }
            return members
        default:
            throw failure("expected a mapping, found a \(value.typeName)", path)
        }
    }

    private func list(_ value: MetadataValue?, _ path: [String]) throws(SOPSError) -> [MetadataValue] {
        guard let value else { return [] }
        switch value {
        case .null: return []
        case .list(let items): return items
        default: throw failure("expected a list, found a \(value.typeName)", path)
        }
    }

    private func createdAt(_ members: [(String, MetadataValue)], _ path: [String]) throws(SOPSError) -> String {
        let text = try string(lookup(members, "created_at"), path + ["created_at"])
        guard YAMLTimestamp.parseRFC3339(text) != nil else {
            throw failure("created_at \"\(printable(text))\" is not an RFC 3339 time", path + ["created_at"])
        }
        return text
    }

    private func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64))
    }

    /// The keys of one group (or of the top level), in the order sops 3.11 loads them.
    private func group(_ groupMembers: [(String, MetadataValue)], _ path: [String]) throws(SOPSError) -> [MasterKey] {
        var keys: [MasterKey] = []
        func each(_ name: String, _ body: ([(String, MetadataValue)], [String]) throws(SOPSError) -> MasterKey) throws(SOPSError) {
            for (index, item) in try list(lookup(groupMembers, name), path + [name]).enumerated() {
                let itemPath = path + [name, String(index)]
                let fields = try self.members(item, itemPath) ?? []
                keys.append(try body(fields, itemPath))
            }
        }
        try each("kms") { (fields, path) throws(SOPSError) in
            var context: [(String, String)] = []
            if let entries = try members(lookup(fields, "context"), path + ["context"]) {
                for (key, value) in entries {
                    if case .null = value { continue }
                    context.append((key, try string(value, path + ["context", key])))
                }
            }
            return .kms(arn: try string(lookup(fields, "arn"), path + ["arn"]), role: try string(lookup(fields, "role"), path + ["role"]),
                context: context, awsProfile: try string(lookup(fields, "aws_profile"), path + ["aws_profile"]),
                createdAt: try createdAt(fields, path), encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        try each("gcp_kms") { (fields, path) throws(SOPSError) in
            .gcpKMS(resourceID: try string(lookup(fields, "resource_id"), path + ["resource_id"]), createdAt: try createdAt(fields, path),
                encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        try each("hckms") { (fields, path) throws(SOPSError) in
            .huaweiCloudKMS(keyID: try string(lookup(fields, "key_id"), path + ["key_id"]), createdAt: try string(lookup(fields, "created_at"), path),
                encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        try each("azure_kv") { (fields, path) throws(SOPSError) in
            .azureKeyVault(vaultURL: try string(lookup(fields, "vault_url"), path + ["vault_url"]), name: try string(lookup(fields, "name"), path + ["name"]),
                version: try string(lookup(fields, "version"), path + ["version"]), createdAt: try createdAt(fields, path),
                encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        try each("hc_vault") { (fields, path) throws(SOPSError) in
            .hashiCorpVault(vaultAddress: try string(lookup(fields, "vault_address"), path + ["vault_address"]),
                enginePath: try string(lookup(fields, "engine_path"), path + ["engine_path"]),
                keyName: try string(lookup(fields, "key_name"), path + ["key_name"]), createdAt: try createdAt(fields, path),
                encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        try each("pgp") { (fields, path) throws(SOPSError) in
            .pgp(fingerprint: try string(lookup(fields, "fp"), path + ["fp"]), createdAt: try createdAt(fields, path),
                encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        try each("age") { (fields, path) throws(SOPSError) in
            .age(recipient: try string(lookup(fields, "recipient"), path + ["recipient"]), encryptedDataKey: try string(lookup(fields, "enc"), path + ["enc"]))
        }
        return keys
    }

    /// Decodes and validates a metadata block (the value of the `sops` key).
    func decode(_ value: MetadataValue) throws(SOPSError) -> SOPSMetadata {
        guard let top = try members(value, []) else {
            throw SOPSError(.metadataNotFound, "sops metadata not found")
        }
        let lastModifiedText = try string(lookup(top, "lastmodified"), ["lastmodified"])
        guard let lastModified = YAMLTimestamp.parseRFC3339(lastModifiedText) else {
            throw failure("lastmodified \"\(printable(lastModifiedText))\" is not an RFC 3339 time", ["lastmodified"])
        }
        var groups: [[MasterKey]] = []
        let topLevel = try group(top, [])
        if !topLevel.filter({ $0.typeName != "hckms" }).isEmpty {
            groups = [topLevel]
        } else {
            for (index, item) in try list(lookup(top, "key_groups"), ["key_groups"]).enumerated() {
                groups.append(try group(try members(item, ["key_groups", String(index)]) ?? [], ["key_groups", String(index)]))
            }
            if groups.isEmpty, !topLevel.isEmpty { groups = [topLevel] }
        }
        guard !groups.isEmpty else { throw failure("no keys found in file", []) }

        var selectors: [EncryptionSelector] = []
        for (name, make) in [
            ("unencrypted_suffix", EncryptionSelector.unencryptedSuffix), ("encrypted_suffix", EncryptionSelector.encryptedSuffix),
            ("unencrypted_regex", EncryptionSelector.unencryptedRegex), ("encrypted_regex", EncryptionSelector.encryptedRegex),
            ("unencrypted_comment_regex", EncryptionSelector.unencryptedCommentRegex),
            ("encrypted_comment_regex", EncryptionSelector.encryptedCommentRegex),
        ] {
            let text = try string(lookup(top, name), [name])
            if !text.isEmpty { selectors.append(make(text)) }
        }
        guard selectors.count <= 1 else {
            throw failure(
                "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, "
                    + "encrypted_comment_regex, or unencrypted_comment_regex in the same file (found \(selectors.map(\.metadataKey).joined(separator: ", ")))",
                [])
        }
        return SOPSMetadata(
            keyGroups: groups,
            shamirThreshold: try integer(lookup(top, "shamir_threshold"), ["shamir_threshold"]),
            lastModified: lastModified,
            messageAuthenticationCode: try string(lookup(top, "mac"), ["mac"]),
            selector: selectors.first ?? .unencryptedSuffix("_unencrypted"),
            macOnlyEncrypted: try bool(lookup(top, "mac_only_encrypted"), ["mac_only_encrypted"]),
            version: try string(lookup(top, "version"), ["version"]))
    }
}
