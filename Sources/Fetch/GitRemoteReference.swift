import StageSpec

/// One line of `git ls-remote`: a ref and the commit it points to (peeled for annotated tags).
struct GitRemoteReference: Sendable, Hashable {
    var name: String
    var commit: String

    /// Parses `ls-remote` output, replacing each annotated tag's object by its `^{}` commit.
    static func parse(_ output: String) -> [GitRemoteReference] {
        var byName: [String: String] = [:]
        var order: [String] = []
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let commit = String(parts[0])
            var name = String(parts[1])
            if name.hasSuffix("^{}") {
                name.removeLast(3)
                if byName[name] == nil { order.append(name) }
                byName[name] = commit
            } else if byName[name] == nil {
                order.append(name)
                byName[name] = commit
            }
        }
        return order.map { GitRemoteReference(name: $0, commit: byName[$0]!) }
    }
}

/// A ref resolved to a commit, with the Flux revision string naming it.
public struct GitPin: Sendable, Hashable {
    public var commit: String
    /// `main@sha1:<hex>`, `v1.2.3@sha1:<hex>`, `refs/pull/1/head@sha1:<hex>`, `sha1:<hex>`.
    public var revision: String
    /// The remote ref to fetch for it, when there is one.
    public var remoteReference: String?

    static func revision(label: String?, commit: String) -> String {
        let algorithm = commit.count == 64 ? "sha256" : "sha1"
        guard let label else { return "\(algorithm):\(commit)" }
        return "\(label)@\(algorithm):\(commit)"
    }

    /// Picks the commit for `reference` among the remote refs, as Flux does.
    static func select(_ reference: GitReference, from remote: [GitRemoteReference], source: String) throws(SourceError) -> GitPin {
        func find(_ name: String) -> GitRemoteReference? { remote.first { $0.name == name } }
        switch reference {
        case .branch(let branch):
            guard let found = find("refs/heads/\(branch)") else {
                throw SourceError(code: .notFound, source: source, message: "branch \"\(branch)\" not found in the repository")
            }
            return GitPin(commit: found.commit, revision: revision(label: branch, commit: found.commit), remoteReference: found.name)
        case .tag(let tag):
            guard let found = find("refs/tags/\(tag)") else {
                throw SourceError(code: .notFound, source: source, message: "tag \"\(tag)\" not found in the repository")
            }
            return GitPin(commit: found.commit, revision: revision(label: tag, commit: found.commit), remoteReference: found.name)
        case .name(let name):
            guard let found = find(name) else {
                throw SourceError(code: .notFound, source: source, message: "ref \"\(name)\" not found in the repository")
            }
            return GitPin(commit: found.commit, revision: revision(label: name, commit: found.commit), remoteReference: found.name)
        case .semver(let rangeText):
            guard let range = SemanticVersionRange(rangeText) else {
                throw SourceError(code: .notFound, source: source, message: "invalid semver range \"\(rangeText)\"")
            }
            var best: (version: SemanticVersion, tag: String, commit: String)?
            for candidate in remote where candidate.name.hasPrefix("refs/tags/") {
                let tag = String(candidate.name.dropFirst("refs/tags/".count))
                guard let version = SemanticVersion(tag), range.contains(version) else { continue }
                if let current = best, !(current.version < version || (current.version == version && tag > current.tag)) { continue }
                best = (version, tag, candidate.commit)
            }
            guard let best else {
                throw SourceError(code: .notFound, source: source, message: "no tag matches the semver range \"\(rangeText)\"")
            }
            return GitPin(commit: best.commit, revision: revision(label: best.tag, commit: best.commit), remoteReference: "refs/tags/\(best.tag)")
        case .commit(let commit, let branch):
            if let branch, find("refs/heads/\(branch)") == nil {
                throw SourceError(code: .notFound, source: source, message: "branch \"\(branch)\" not found in the repository")
            }
            return GitPin(commit: commit, revision: revision(label: branch, commit: commit), remoteReference: branch.map { "refs/heads/\($0)" })
        }
    }
}
