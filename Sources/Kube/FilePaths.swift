#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Lexical path handling as Go's `filepath.Join`/`Abs` do it (no symlink resolution).
enum FilePaths {
    /// `path` made absolute against the current directory and cleaned.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return clean(path) }
        return clean(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// The directory part of an absolute path.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// An absolute `reference` as is; a relative one joined to `base` (which is absolute).
    static func resolve(_ reference: String, against base: String) -> String {
        if reference.hasPrefix("/") { return clean(reference) }
        return clean(base + "/" + reference)
    }

    /// Removes empty and `.` segments and folds `..` lexically.
    static func clean(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if let last = segments.last, last != ".." {
                    segments.removeLast()
                } else if !isAbsolute {
                    segments.append(segment)
                }
                continue
            }
            segments.append(segment)
        }
        let joined = segments.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
