import HostProcess

/// Reads the files of one commit from a bare repository with `git ls-tree` and one
/// `git cat-file --batch`, applying the artifact guard: dot-files and odd names are skipped,
/// symlinks are followed only inside the repository, and byte caps are enforced.
struct GitTreeReader {
    let git: String
    let repositoryPath: String
    let commit: String
    let source: String
    let limits: ArtifactLimits
    let ignore: String?
    let timeout: Duration

    struct TreeEntry {
        var mode: String
        var type: String
        var object: String
        var size: Int?
        var path: String
    }

    private func run(_ arguments: [String], input: [UInt8] = [], outputLimit: Int = 16 << 20) async throws(SourceError) -> ProcessResult {
        let request = ProcessRequest(
            executable: git, arguments: arguments, environment: GitCredentials.baseEnvironment, workingDirectory: repositoryPath,
            input: input, timeout: timeout, outputLimit: outputLimit)
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(request)
        } catch let error as ProcessError {
            throw SourceError(code: error.code == .executableNotFound ? .toolMissing : .other, source: source, message: error.message)
        } catch {
            throw SourceError(code: .other, source: source, message: "git failed: \(error)")
        }
        guard result.succeeded else {
            throw SourceError(code: .other, source: source, message: "git \(arguments[0]) failed: \(result.standardErrorText())")
        }
        return result
    }

    func listTree() async throws(SourceError) -> [TreeEntry] {
        let result = try await run(["ls-tree", "-r", "-z", "-l", "--full-tree", commit], outputLimit: 64 << 20)
        var entries: [TreeEntry] = []
        for record in result.standardOutput.split(separator: 0) {
            guard let tab = record.firstIndex(of: 0x09) else { continue }
            let fields = String(decoding: record[..<tab], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 4 else { continue }
            let path = String(decoding: record[(tab + 1)...], as: UTF8.self)
            entries.append(TreeEntry(mode: String(fields[0]), type: String(fields[1]), object: String(fields[2]), size: Int(fields[3]), path: path))
        }
        return entries
    }

    /// Contents of blobs by object id, in one `cat-file --batch` call.
    func readBlobs(_ objects: [String], totalBytes: Int) async throws(SourceError) -> [String: [UInt8]] {
        guard !objects.isEmpty else { return [:] }
        let input = Array(objects.joined(separator: "\n").utf8) + [0x0A]
        let result = try await run(["cat-file", "--batch"], input: input, outputLimit: totalBytes + objects.count * 128 + 4096)
        var blobs: [String: [UInt8]] = [:]
        let output = result.standardOutput
        var index = 0
        while index < output.count {
            guard let newline = output[index...].firstIndex(of: 0x0A) else { break }
            let header = String(decoding: output[index..<newline], as: UTF8.self).split(separator: " ")
            index = newline + 1
            guard header.count == 3, let size = Int(header[2]), index + size <= output.count else {
                throw SourceError(code: .other, source: source, message: "unexpected git cat-file output")
            }
            blobs[String(header[0])] = Array(output[index..<(index + size)])
            index += size + 1
        }
        return blobs
    }

    func read(directory: String?) async throws(SourceError) -> (FileMap, [SkippedEntry]) {
        let entries = try await listTree()
        let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var rules = IgnoreRules(ignore ?? IgnoreRules.fluxDefaults)
        if let sourceIgnore = byPath[".sourceignore"], sourceIgnore.type == "blob" {
            let blobs = try await readBlobs([sourceIgnore.object], totalBytes: limits.maximumFileBytes)
            if let text = blobs[sourceIgnore.object] { rules.append(String(decoding: text, as: UTF8.self)) }
        }
        let prefix = directory.map(FileMap.normalizedDirectory) ?? ""
        var skipped: [SkippedEntry] = []
        var selected: [(path: String, entry: TreeEntry)] = []
        for entry in entries {
            if !prefix.isEmpty && !entry.path.hasPrefix(prefix + "/") { continue }
            if let reason = ArtifactPathRules.skipReason(entry.path) {
                skipped.append(SkippedEntry(path: entry.path, reason: reason))
                continue
            }
            if rules.isIgnored(entry.path) { continue }
            switch entry.mode {
            case "160000":
                skipped.append(SkippedEntry(path: entry.path, reason: "submodule (not fetched)"))
            case "120000":
                selected.append((entry.path, entry))
            default:
                if entry.type == "blob" { selected.append((entry.path, entry)) }
            }
        }

        var symlinkTargets: [String: String] = [:]
        let links = selected.filter { $0.entry.mode == "120000" }
        if !links.isEmpty {
            let targets = try await readBlobs(links.map(\.entry.object), totalBytes: links.count * 4096)
            for link in links {
                let text = String(decoding: targets[link.entry.object] ?? [], as: UTF8.self)
                var current = link.path
                var target = text
                var resolved: TreeEntry?
                for _ in 0..<8 {
                    guard let next = ArtifactPathRules.resolveSymlink(target, from: current) else {
                        throw SourceError(code: .unsafeContent, source: source,
                            message: "symlink \(link.path) points outside the repository (\(text)); refusing it")
                    }
                    guard let nextEntry = byPath[next] else {
                        resolved = nil
                        break
                    }
                    if nextEntry.mode == "120000" {
                        let nested = try await readBlobs([nextEntry.object], totalBytes: 4096)
                        current = next
                        target = String(decoding: nested[nextEntry.object] ?? [], as: UTF8.self)
                        continue
                    }
                    resolved = nextEntry
                    break
                }
                if let resolved, resolved.type == "blob" {
                    symlinkTargets[link.path] = resolved.object
                } else {
                    skipped.append(SkippedEntry(path: link.path, reason: "symlink to a directory or missing file (not followed)"))
                }
            }
        }

        var total = 0
        var objects: [String] = []
        var sizes: [String: Int] = [:]
        for item in selected {
            let object = item.entry.mode == "120000" ? symlinkTargets[item.path] : item.entry.object
            guard let object else { continue }
            let size = item.entry.mode == "120000" ? (byPath.values.first { $0.object == object }?.size ?? 0) : (item.entry.size ?? 0)
            if size > limits.maximumFileBytes {
                throw SourceError(code: .tooLarge, source: source,
                    message: "\(item.path) is \(size) bytes, over the \(limits.maximumFileBytes)-byte limit per file")
            }
            total += size
            if total > limits.maximumTotalBytes {
                throw SourceError(code: .tooLarge, source: source,
                    message: "the files under \(prefix.isEmpty ? "the repository root" : prefix) exceed the \(limits.maximumTotalBytes)-byte limit per stage")
            }
            sizes[item.path] = size
            objects.append(object)
        }
        if !prefix.isEmpty && selected.isEmpty {
            let exists = entries.contains { $0.path.hasPrefix(prefix + "/") }
            throw SourceError(code: .pathNotFound, source: source,
                message: exists ? "path \"\(prefix)\" holds no readable files" : "path \"\(prefix)\" does not exist at this revision")
        }
        let blobs = try await readBlobs(Array(Set(objects)), totalBytes: total)
        var files = FileMap()
        for item in selected {
            let object = item.entry.mode == "120000" ? symlinkTargets[item.path] : item.entry.object
            guard let object, let bytes = blobs[object] else { continue }
            files[item.path] = bytes
        }
        return (files, skipped)
    }
}
