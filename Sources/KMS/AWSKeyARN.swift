/// The parts of a KMS key or alias ARN that pick the endpoint and signing region
/// (`arn:<partition>:kms:<region>:<account>:key/<id>` or `…:alias/<name>`).
struct AWSKeyARN: Sendable {
    let partition: String
    let region: String

    init(partition: String, region: String) {
        self.partition = partition
        self.region = region
    }

    /// Parses like sops (`^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)/.+$`); `nil` when it does not
    /// match, or when the region is not a DNS label (it becomes part of the endpoint's host name, and
    /// the file is untrusted input).
    init?(_ arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"),
            parts[1].dropFirst(3).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
            parts[2] == "kms", !parts[3].isEmpty, !parts[4].isEmpty, parts[4].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let resource = parts[5]
        guard (resource.hasPrefix("key/") && resource.count > 4) || (resource.hasPrefix("alias/") && resource.count > 6) else { return nil }
        guard Self.isHostLabel(parts[3]) else { return nil }
        partition = String(parts[1])
        region = String(parts[3])
    }

    /// Letters, digits and inner hyphens, at most 63 characters.
    static func isHostLabel(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 63 && !text.hasPrefix("-") && !text.hasSuffix("-")
            && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// The DNS suffix of the partition's endpoints.
    var dnsSuffix: String {
        switch partition {
        case "aws-cn": "amazonaws.com.cn"
        case "aws-iso": "c2s.ic.gov"
        case "aws-iso-b": "sc2s.sgov.gov"
        default: "amazonaws.com"
        }
    }
}
