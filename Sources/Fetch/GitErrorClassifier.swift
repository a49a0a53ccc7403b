/// Maps git's error output (in the C locale) to a `SourceError` code, with credentials removed.
enum GitErrorClassifier {
    static func classify(_ standardError: String, url: String, source: String) -> SourceError {
        let text = redact(standardError)
        let lower = text.lowercased()
        let detail = text.split(separator: "\n").map { $0.trimmingPrefix("fatal: ") }.joined(separator: "; ")
        func has(_ phrases: String...) -> Bool { phrases.contains { lower.contains($0) } }
        if has("host key verification failed") {
            return SourceError(code: .authenticationFailed, source: source,
                message: "SSH host key verification failed for \(redact(url)); add the server's key to the Secret's known_hosts entry (\(detail))")
        }
        if has("authentication failed", "could not read username", "could not read password", "permission denied (publickey",
            "access denied", "returned error: 401", "returned error: 403", "invalid username or password")
        {
            return SourceError(code: .authenticationFailed, source: source, message: "authentication to \(redact(url)) failed (\(detail))")
        }
        if has("couldn't find remote ref", "repository not found", "does not appear to be a git repository", "not found",
            "returned error: 404", "no such file or directory", "does not exist")
        {
            return SourceError(code: .notFound, source: source, message: "\(detail)")
        }
        if has("could not resolve host", "could not resolve hostname", "connection refused", "connection timed out",
            "failed to connect", "unable to connect", "connection reset", "network is unreachable", "no route to host",
            "remote end hung up unexpectedly", "ssl certificate problem", "certificate verify", "unable to access",
            "operation timed out", "early eof")
        {
            return SourceError(code: .unreachable, source: source, message: "cannot reach \(redact(url)) (\(detail))")
        }
        return SourceError(code: .other, source: source, message: detail.isEmpty ? "git failed" : detail)
    }

    /// Removes `user:password@` from URLs inside a message.
    static func redact(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let schemeRange = rest.firstRange(of: "://") {
            output += rest[..<schemeRange.upperBound]
            rest = rest[schemeRange.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\n" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
                output += "***@"
                rest = rest[rest.index(after: at)...]
            }
        }
        return output + rest
    }
}
