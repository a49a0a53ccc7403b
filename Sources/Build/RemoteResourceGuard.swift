import Fetch
import JSON
import YAML

/// Refuses, before kustomize runs, every kustomization reachable from a build that would make
/// kustomize leave the fetched source: remote bases and components (URLs, `git::`, `gh:`,
/// `git@host:`, `github.com/…`, `host/org/repo` that is not in the source, `?ref=` queries, Azure
/// `_git/`), remote files (kustomize downloads `http(s)://` file references itself), absolute
/// paths, and paths climbing above the source root. It follows local `resources`, `components`,
/// `bases`, `generators`, `transformers` and `validators` directories that hold a kustomization.
/// Every refusal names the kustomization file, the field and the entry.
enum RemoteResourceGuard {
    /// Fields whose string entries are bases, components, resource files or plugin configs.
    static let referenceLists = ["resources", "components", "bases", "generators", "transformers", "validators"]
    /// Fields whose string entries are files kustomize loads.
    static let fileLists = ["crds", "configurations", "patchesStrategicMerge"]

    /// Checks the kustomizations in `directories` (relative to the source root) and everything
    /// reachable from them; `directories` without a kustomization are skipped.
    static func check(files: FileMap, directories: [String]) throws(BuildError) {
        var refusals: [String] = []
        var visited: Set<String> = []
        var queue = directories.map(FileMap.normalizedDirectory)
        while !queue.isEmpty {
            let directory = queue.removeFirst()
            guard visited.insert(directory).inserted, let file = kustomizationFile(in: directory, files: files) else { continue }
            let kustomization: JSONObject
            do {
                let stream = try YAMLParser.parse(files[file] ?? [])
                guard let root = stream.documents.first?.root, case .object(let object) = try root.jsonValue() else { continue }
                kustomization = object
            } catch {
                throw BuildError(code: .syntax, message: "\(file): \(error)")
            }
            for entry in references(in: kustomization) {
                let place = "\(file): \(entry.field)"
                if let reason = remoteReason(entry.value, directory: directory, files: files) {
                    refusals.append("\(place): \(reason) \"\(redacted(entry.value))\" refused: the agent builds only from the fetched source; vendor it into the repository")
                    continue
                }
                if entry.value.hasPrefix("/") {
                    refusals.append("\(place): absolute path \"\(entry.value)\" refused: it leaves the source")
                    continue
                }
                guard let resolved = resolve(entry.value, in: directory) else {
                    refusals.append("\(place): \"\(entry.value)\" refused: it climbs above the source root")
                    continue
                }
                if entry.followsDirectories, kustomizationFile(in: resolved, files: files) != nil {
                    queue.append(resolved)
                }
            }
        }
        guard refusals.isEmpty else {
            throw BuildError(code: .remoteResource, message: refusals.joined(separator: "\n"))
        }
    }

    /// The kustomization file of a directory, under any of the names kustomize recognises.
    static func kustomizationFile(in directory: String, files: FileMap) -> String? {
        for name in StageBuilder.kustomizationFileNames {
            let path = directory.isEmpty ? name : directory + "/" + name
            if files[path] != nil { return path }
        }
        return nil
    }

    struct Reference {
        var field: String
        var value: String
        var followsDirectories: Bool
    }

    /// Every path-like entry of a kustomization, with its field path; inline documents are skipped.
    static func references(in kustomization: JSONObject) -> [Reference] {
        var result: [Reference] = []
        func add(_ value: JSONValue?, field: String, followsDirectories: Bool = false) {
            guard case .string(let text)? = value, !text.isEmpty, !isInlineDocument(text) else { return }
            result.append(Reference(field: field, value: text.trimmingSpaces, followsDirectories: followsDirectories))
        }
        for field in referenceLists + fileLists {
            for (index, value) in (kustomization[field]?.arrayValue ?? []).enumerated() {
                add(value, field: "\(field)[\(index)]", followsDirectories: referenceLists.contains(field))
            }
        }
        for field in ["patches", "patchesJson6902", "replacements"] {
            for (index, value) in (kustomization[field]?.arrayValue ?? []).enumerated() {
                add(value["path"], field: "\(field)[\(index)].path")
            }
        }
        for field in ["configMapGenerator", "secretGenerator"] {
            for (index, generator) in (kustomization[field]?.arrayValue ?? []).enumerated() {
                for list in ["files", "envs"] {
                    for (fileIndex, value) in (generator[list]?.arrayValue ?? []).enumerated() {
                        var entry = value
                        // `files` entries may be `key=path`.
                        if list == "files", case .string(let text) = value, let equals = text.firstIndex(of: "="), !text.contains("://") {
                            entry = .string(String(text[text.index(after: equals)...]))
                        }
                        add(entry, field: "\(field)[\(index)].\(list)[\(fileIndex)]")
                    }
                }
                add(generator["env"], field: "\(field)[\(index)].env")
            }
        }
        add(kustomization["openapi"]?["path"], field: "openapi.path")
        return result
    }

    /// An inline patch or plugin configuration rather than a path.
    private static func isInlineDocument(_ text: String) -> Bool {
        let trimmed = text.trimmingSpaces
        return text.contains("\n") || trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || text.contains(": ")
    }

    /// Why an entry is remote, or `nil` for a local path.
    static func remoteReason(_ entry: String, directory: String, files: FileMap) -> String? {
        let lower = entry.lowercased()
        if lower.contains("://") { return "remote URL" }
        if lower.hasPrefix("git::") || lower.hasPrefix("gh:") { return "remote Git reference" }
        if lower.hasPrefix("github.com/") || lower.hasPrefix("github.com:") { return "remote GitHub repository" }
        if startsWithUserAt(entry) { return "remote SSH Git reference" }
        if entry.contains("?") { return "remote reference with a query (?ref=…)" }
        if entry.contains("_git/") { return "remote Azure DevOps repository" }
        let segments = entry.split(separator: "/", omittingEmptySubsequences: true)
        if segments.count >= 2, looksLikeHost(segments[0]),
            let resolved = resolve(entry, in: directory), !files.containsDirectory(resolved), files[resolved] == nil
        {
            return "reference that is not in the source and looks like a remote repository (host/org/repo)"
        }
        return nil
    }

    /// `user@…` as in `git@github.com:org/repo` (kustomize's username pattern).
    private static func startsWithUserAt(_ entry: String) -> Bool {
        guard let at = entry.firstIndex(of: "@") else { return false }
        let user = entry[..<at]
        guard let first = user.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return user.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// `gitlab.com`, `git.example.org:2222`: dotted labels ending in an alphabetic top-level label.
    private static func looksLikeHost(_ segment: Substring) -> Bool {
        let host = segment.split(separator: ":", maxSplits: 1).first ?? segment
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let top = labels.last, top.count >= 2 else { return false }
        let hostCharacters = host.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
        }
        let topAlphabetic = top.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
        let fileExtensions: Set<String> = ["yaml", "yml", "json", "env", "txt", "properties", "conf", "ini"]
        return hostCharacters && topAlphabetic && !fileExtensions.contains(top.lowercased())
    }

    /// Resolves a relative entry against the kustomization's directory; `nil` when it climbs above
    /// the source root.
    static func resolve(_ entry: String, in directory: String) -> String? {
        var components = directory.split(separator: "/").map(String.init)
        for part in entry.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !components.isEmpty else { return nil }
                components.removeLast()
            default: components.append(String(part))
            }
        }
        return components.joined(separator: "/")
    }

    /// Replaces `user:password@` in a URL by `***@`.
    static func redacted(_ entry: String) -> String {
        guard let scheme = entry.firstRange(of: "://") else { return entry }
        let rest = entry[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return entry }
        return String(entry[..<scheme.upperBound]) + "***" + String(rest[at...])
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
