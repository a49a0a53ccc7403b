import JSON

/// Decodes a Flux `GitRepository` document with Flux's defaults and ref precedence.
enum GitRepositoryDecoder {
    static let supportedAPIVersions = ["source.toolkit.fluxcd.io/v1", "source.toolkit.fluxcd.io/v1beta2"]

    static func decode(_ document: FieldReader) -> GitRepository? {
        let metadata = document.metadata()
        let spec = document.object("spec", required: true).flatMap(decodeSpec)
        document.rejectUnknownFields()
        guard let metadata, let spec else { return nil }
        return GitRepository(metadata: metadata, spec: spec, origin: document.origin)
    }

    private static func decodeSpec(_ spec: FieldReader) -> GitRepositorySpec? {
        let url = spec.string("url", required: true)
        if let url, let problem = GitURL.problem(url) {
            spec.report(.invalidValue, at: spec.path.child("url"), problem)
        }
        let reference = spec.object("ref").map(decodeReference) ?? .branch("master")
        let interval = spec.duration("interval", required: true)
        if let interval, interval <= .zero {
            spec.report(.invalidValue, at: spec.path.child("interval"), "must be greater than zero")
        }
        let timeout = spec.duration("timeout") ?? GitRepository.defaultTimeout
        let secretRef = spec.secretReference("secretRef")
        let ignore = spec.string("ignore")
        spec.refuseNotSupportedYet([
            "provider", "proxySecretRef", "verify", "include", "recurseSubmodules", "sparseCheckout", "suspend",
        ])
        spec.rejectUnknownFields()
        guard let url, let interval else { return nil }
        return GitRepositorySpec(url: url, reference: reference, interval: interval, timeout: timeout, secretRef: secretRef, ignore: ignore)
    }

    private static func decodeReference(_ ref: FieldReader) -> GitReference {
        let branch = ref.string("branch")
        let tag = ref.string("tag")
        let semver = ref.string("semver")
        let name = ref.string("name")
        let commit = ref.string("commit")
        ref.rejectUnknownFields()
        if let commit {
            let isHex = commit.allSatisfy { $0.isHexDigit }
            if !isHex || !(commit.count == 40 || commit.count == 64) {
                ref.report(.invalidValue, at: ref.path.child("commit"), "must be a full 40-character (SHA-1) or 64-character (SHA-256) commit hash")
            }
            return .commit(commit.lowercased(), branch: branch)
        }
        if let name {
            if !name.hasPrefix("refs/") {
                ref.report(.invalidValue, at: ref.path.child("name"), "must be a full ref name starting with refs/ (e.g. refs/heads/main)")
            }
            return .name(name)
        }
        if let semver {
            if SemanticVersionRange(semver) == nil {
                ref.report(.invalidValue, at: ref.path.child("semver"), "invalid semver range \"\(semver)\"")
            }
            return .semver(semver)
        }
        if let tag { return .tag(tag) }
        return .branch(branch ?? "master")
    }
}

/// Checks the URL forms the agent can fetch: https, http, ssh, file, and scp-like `git@host:path`.
public enum GitURL {
    public static func problem(_ url: String) -> String? {
        if let schemeEnd = url.firstRange(of: "://") {
            let scheme = url[..<schemeEnd.lowerBound].lowercased()
            guard ["https", "http", "ssh", "file"].contains(scheme) else {
                return "unsupported URL scheme \"\(scheme)\" (supported: https, http, ssh, file, or scp-like user@host:path)"
            }
            let rest = url[schemeEnd.upperBound...]
            if scheme != "file" && (rest.isEmpty || rest.hasPrefix("/")) { return "the URL has no host" }
            if scheme == "file" && !rest.hasPrefix("/") { return "a file URL needs an absolute path (file:///path)" }
            return nil
        }
        if isScpLike(url) { return nil }
        return "not a URL the agent can fetch (use https://, ssh://, file:// or user@host:path)"
    }

    /// `[user@]host:path` with no scheme, as git and Flux accept for SSH.
    public static func isScpLike(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let host = url[..<colon]
        guard !host.isEmpty, !host.contains("/") else { return false }
        return url.index(after: colon) < url.endIndex
    }
}
