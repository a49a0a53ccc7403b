import Foundation
import JSON
import KMSTestSupport
import SOPS
import TestSupport

/// Builds SOPS files for cloud KMS master keys the way the brief allows without the cloud: the real
/// `sops` encrypts with age, the real `age -d` recovers the data key (or a group's Shamir share), a
/// local stand-in encrypts it through its service API, and the `gcp_kms` / `azure_kv` / `hc_vault`
/// entry is inserted into the metadata. The MAC does not cover master keys, so `sops decrypt` (with
/// the age key) still accepts the file and gives the expected bytes.
enum KMSFixtures {
    /// A master key entry to insert into a file's metadata.
    enum Entry {
        case gcp(resourceID: String, enc: String)
        case azure(vaultURL: String, name: String, version: String, enc: String)
        case vault(address: String, enginePath: String, keyName: String, enc: String)

        var listName: String {
            switch self {
            case .gcp: "gcp_kms"
            case .azure: "azure_kv"
            case .vault: "hc_vault"
            }
        }

        var fields: [(String, String)] {
            switch self {
            case .gcp(let resourceID, let enc):
                [("resource_id", resourceID), ("created_at", "2026-01-02T03:04:05Z"), ("enc", enc)]
            case .azure(let vaultURL, let name, let version, let enc):
                [("vault_url", vaultURL), ("name", name), ("version", version), ("created_at", "2026-01-02T03:04:05Z"), ("enc", enc)]
            case .vault(let address, let enginePath, let keyName, let enc):
                [("vault_address", address), ("engine_path", enginePath), ("key_name", keyName), ("created_at", "2026-01-02T03:04:05Z"),
                    ("enc", enc)]
            }
        }
    }

    /// The secret the age key of `group` wraps (the data key, or that group's Shamir share),
    /// recovered with the real `age -d`.
    static func ageWrappedSecret(_ encrypted: [UInt8], format: SOPSFormat, group: Int = 0, identityFile: String) throws -> [UInt8] {
        let file = try SOPSFile(bytes: encrypted, format: format)
        guard group < file.metadata.keyGroups.count,
            let armored = file.metadata.keyGroups[group].compactMap({ key -> String? in
                if case .age(_, let enc) = key { return enc }
                return nil
            }).first
        else { throw TestFailure("group \(group) has no age key") }
        return try runTool("age", ["-d", "-i", identityFile], input: Array(armored.utf8))
    }

    /// The file with `entry` added to the metadata: top level (single group) or key group `group`
    /// (YAML written by sops 3.11, whose groups list `hc_vault: []`).
    static func inserting(_ entry: Entry, into bytes: [UInt8], format: SOPSFormat, group: Int? = nil) throws -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        switch format {
        case .yaml:
            if let group {
                guard entry.listName == "hc_vault" else { throw TestFailure("only hc_vault entries are inserted into key groups") }
                let marker = "        - hc_vault: []\n"
                var ranges: [Range<String.Index>] = []
                var search = text.startIndex
                while let found = text.range(of: marker, range: search..<text.endIndex) {
                    ranges.append(found)
                    search = found.upperBound
                }
                guard group < ranges.count else { throw TestFailure("no key group \(group) in the file") }
                var lines = "        - hc_vault:\n"
                for (index, field) in entry.fields.enumerated() {
                    lines += (index == 0 ? "            - " : "              ") + "\(field.0): \(quoted(field.1))\n"
                }
                text.replaceSubrange(ranges[group], with: lines)
            } else {
                guard let anchor = text.range(of: "\nsops:\n") else { throw TestFailure("no sops metadata") }
                var lines = "    \(entry.listName):\n"
                for (index, field) in entry.fields.enumerated() {
                    lines += (index == 0 ? "        - " : "          ") + "\(field.0): \(quoted(field.1))\n"
                }
                text.insert(contentsOf: lines, at: anchor.upperBound)
            }
        case .json:
            guard group == nil, let anchor = text.range(of: "\"sops\": {") else { throw TestFailure("no sops metadata") }
            let object = entry.fields.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ", ")
            text.insert(contentsOf: "\n\t\t\"\(entry.listName)\": [{\(object)}],", at: anchor.upperBound)
        case .dotenv:
            guard group == nil else { throw TestFailure("key groups are not inserted into dotenv files") }
            for (name, value) in entry.fields {
                text += "sops_\(entry.listName)__list_0__map_\(name)=\(value)\n"
            }
        default:
            throw TestFailure("unsupported format for fixtures")
        }
        return Array(text.utf8)
    }

    private static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Base64url without padding → standard base64 bytes helper for Azure values.
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
