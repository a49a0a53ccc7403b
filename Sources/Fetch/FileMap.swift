/// The files of one source snapshot, keyed by their slash-separated path relative to the source root.
public struct FileMap: Sendable, Hashable {
    public private(set) var files: [String: [UInt8]]

    public init(_ files: [String: [UInt8]] = [:]) {
        self.files = files
    }

    public var paths: [String] { files.keys.sorted() }
    public var count: Int { files.count }
    public var isEmpty: Bool { files.isEmpty }
    public var totalBytes: Int { files.values.reduce(0) { $0 + $1.count } }

    public subscript(path: String) -> [UInt8]? {
        get { files[path] }
        set { files[path] = newValue }
    }

    /// Files under `directory` ("" or "." for the root), keyed relative to that directory.
    public func subtree(_ directory: String) -> FileMap {
        let prefix = FileMap.normalizedDirectory(directory)
        if prefix.isEmpty { return self }
        var result: [String: [UInt8]] = [:]
        for (path, bytes) in files where path.hasPrefix(prefix + "/") {
            result[String(path.dropFirst(prefix.count + 1))] = bytes
        }
        return FileMap(result)
    }

    /// True when some file lives under `directory`.
    public func containsDirectory(_ directory: String) -> Bool {
        let prefix = FileMap.normalizedDirectory(directory)
        if prefix.isEmpty { return !files.isEmpty }
        return files.keys.contains { $0.hasPrefix(prefix + "/") }
    }

    /// `./a//b/` → `a/b`; `./` and `.` → "".
    public static func normalizedDirectory(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }
}
