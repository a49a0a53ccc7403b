/// One REST resource the API server serves, as discovery reports it: the mapping from
/// group/version/kind to the plural resource name and scope that request paths need.
public struct APIResource: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core group.
    public var group: String
    public var version: String
    public var kind: String
    /// The plural resource name used in paths (`deployments`).
    public var name: String
    public var singularName: String
    /// Namespaced (true) or cluster-scoped (false).
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]

    public init(
        group: String, version: String, kind: String, name: String, singularName: String = "", namespaced: Bool,
        verbs: [String] = [], shortNames: [String] = []
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.name = name
        self.singularName = singularName
        self.namespaced = namespaced
        self.verbs = verbs
        self.shortNames = shortNames
    }

    /// `group/version`, or just `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `deployments.apps` (or `configmaps` for the core group), as the API server names resources.
    public var qualifiedName: String { group.isEmpty ? name : "\(name).\(group)" }

    /// The path of the collection, for example `/apis/apps/v1/namespaces/demo/deployments`;
    /// `namespace` is ignored for cluster-scoped resources and nil lists across all namespaces.
    public func collectionPath(namespace: String?) -> String {
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace, !namespace.isEmpty {
            return "\(prefix)/namespaces/\(PathEncoding.segment(namespace))/\(name)"
        }
        return "\(prefix)/\(name)"
    }

    /// The path of one object.
    public func objectPath(namespace: String?, name objectName: String) -> String {
        collectionPath(namespace: namespace) + "/" + PathEncoding.segment(objectName)
    }

    public var description: String { "\(kind) (\(qualifiedName), \(apiVersion), \(namespaced ? "namespaced" : "cluster-scoped"))" }
}

/// Percent-encoding for path segments and query values (RFC 3986 unreserved characters pass).
enum PathEncoding {
    static func segment(_ text: String) -> String { encode(text) }

    static func query(_ items: [(String, String)]) -> String {
        items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    private static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(digits[Int(byte >> 4)])
                output.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return output
    }
}
