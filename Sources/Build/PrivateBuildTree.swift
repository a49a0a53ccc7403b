import Fetch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a file map under a directory of a `PrivateTemporaryDirectory`: every directory 0700,
/// every file 0600, refusing paths that could leave the tree.
enum PrivateBuildTree {
    static func write(_ files: FileMap, under subdirectory: String, in workspace: PrivateTemporaryDirectory) throws(BuildError) {
        try makeDirectory(subdirectory, in: workspace)
        for path in files.paths {
            try write(path, files[path] ?? [], under: subdirectory, in: workspace)
        }
    }

    static func write(_ path: String, _ bytes: [UInt8], under subdirectory: String, in workspace: PrivateTemporaryDirectory) throws(BuildError) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw BuildError(code: .kustomizeFailed, message: "cannot prepare the kustomize build: unsafe path \"\(path)\" in the source")
        }
        var directory = subdirectory
        for segment in segments.dropLast() {
            directory += "/" + segment
            try makeDirectory(directory, in: workspace)
        }
        do {
            _ = try workspace.write(subdirectory + "/" + path, bytes)
        } catch {
            throw BuildError(code: .kustomizeFailed, message: "cannot prepare the kustomize build: cannot write \(path)")
        }
    }

    static func makeDirectory(_ relative: String, in workspace: PrivateTemporaryDirectory) throws(BuildError) {
        let path = workspace.path + "/" + relative
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw BuildError(code: .kustomizeFailed, message: "cannot prepare the kustomize build: cannot create the directory \(relative)")
        }
        chmod(path, 0o700)
    }
}
