/// Byte caps applied to every source, as the StageSet controller caps artifacts.
public struct ArtifactLimits: Sendable, Hashable {
    public var maximumFileBytes: Int
    public var maximumTotalBytes: Int

    public init(maximumFileBytes: Int = 16 << 20, maximumTotalBytes: Int = 64 << 20) {
        self.maximumFileBytes = maximumFileBytes
        self.maximumTotalBytes = maximumTotalBytes
    }
}

/// Which repository paths are safe to read: no dot segments, no `..`, nothing absolute, only
/// the characters `[A-Za-z0-9._/-]` (the controller's tar hygiene).
enum ArtifactPathRules {
    /// `nil` when the path may be read, else why it is skipped.
    static func skipReason(_ path: String) -> String? {
        if path.hasPrefix("/") { return "absolute path" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "empty path segment" }
            if segment == ".." { return "parent directory segment" }
            if segment.hasPrefix(".") { return "dot-file or dot-directory" }
        }
        for byte in path.utf8 {
            let allowed = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-")
            if !allowed { return "characters outside [A-Za-z0-9._/-]" }
        }
        return nil
    }

    /// Resolves `target` relative to the directory of `linkPath`; `nil` when it leaves the root.
    static func resolveSymlink(_ target: String, from linkPath: String) -> String? {
        if target.hasPrefix("/") { return nil }
        var components = linkPath.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !components.isEmpty else { return nil }
                components.removeLast()
            default: components.append(String(part))
            }
        }
        return components.isEmpty ? nil : components.joined(separator: "/")
    }
}
