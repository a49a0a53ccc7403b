/// `.gitignore`-style exclusion rules, as Flux applies `spec.ignore` and `.sourceignore`:
/// `*`, `?`, `[abc]`, `**`, a leading `/` or inner `/` anchors, a trailing `/` matches
/// directories only, `!` re-includes, and the last matching rule wins.
public struct IgnoreRules: Sendable, Hashable {
    struct Rule: Sendable, Hashable {
        /// The pattern's UTF-8 bytes; matching works on bytes, which keeps large trees cheap.
        var pattern: [UInt8]
        var negated: Bool
        var directoryOnly: Bool
        var anchored: Bool
        var shape: PatternShape

        init(pattern: [UInt8], negated: Bool, directoryOnly: Bool, anchored: Bool) {
            self.pattern = pattern
            self.negated = negated
            self.directoryOnly = directoryOnly
            self.anchored = anchored
            shape = PatternShape(pattern)
        }

        func matches(_ text: ArraySlice<UInt8>) -> Bool {
            switch shape {
            case .literal: return text.elementsEqual(pattern)
            case .anyNameEnding(let ending):
                guard text.count >= ending.count, text.suffix(ending.count).elementsEqual(ending) else { return false }
                return !text.dropLast(ending.count).contains(UInt8(ascii: "/"))
            case .atAnyDepth(let literal):
                guard text.count >= literal.count, text.suffix(literal.count).elementsEqual(literal) else { return false }
                return text.count == literal.count || text[text.endIndex - literal.count - 1] == UInt8(ascii: "/")
            case .glob: return IgnoreRules.glob(pattern[...], text)
            }
        }
    }

    /// The common pattern forms matched without the general glob (every tree entry meets every
    /// rule, so Flux's default list costs tens of thousands of matches on a large stage).
    enum PatternShape: Sendable, Hashable {
        /// No wildcard: the text equals the pattern.
        case literal
        /// `*<literal>`: the text ends with the literal and the rest holds no `/`.
        case anyNameEnding([UInt8])
        /// `**/<literal>`: the text is the literal or ends with `/<literal>`.
        case atAnyDepth([UInt8])
        case glob

        init(_ pattern: [UInt8]) {
            func isLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
                !bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
            }
            let star = UInt8(ascii: "*")
            if isLiteral(pattern[...]) {
                self = .literal
            } else if pattern.starts(with: [star, star, UInt8(ascii: "/")]), pattern.count > 3, isLiteral(pattern.dropFirst(3)) {
                self = .atAnyDepth(Array(pattern.dropFirst(3)))
            } else if pattern.first == star, pattern.count > 1, isLiteral(pattern.dropFirst()) {
                self = .anyNameEnding(Array(pattern.dropFirst()))
            } else {
                self = .glob
            }
        }
    }

    var rules: [Rule]

    /// The patterns Flux's source-controller excludes when `spec.ignore` is not set.
    public static let fluxDefaults = """
        .git/
        .gitignore
        .gitmodules
        .gitattributes
        *.jpg
        *.jpeg
        *.gif
        *.png
        *.wmv
        *.flv
        *.tar.gz
        *.zip
        .github/
        .circleci/
        .travis.yml
        .gitlab-ci.yml
        appveyor.yml
        .drone.yml
        cloudbuild.yaml
        codeship-services.yml
        codeship-steps.yml
        **/.goreleaser.yml
        **/.sops.yaml
        **/.flux.yaml
        """

    public init(_ text: String) {
        rules = []
        append(text)
    }

    public mutating func append(_ text: String) {
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            while line.last == " " && !line.hasSuffix("\\ ") { line = line.dropLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") {
                negated = true
                line = line.dropFirst()
            } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
                line = line.dropFirst()
            }
            var directoryOnly = false
            if line.hasSuffix("/") {
                directoryOnly = true
                line = line.dropLast()
            }
            let anchored = line.contains("/")
            if line.hasPrefix("/") { line = line.dropFirst() }
            if line.isEmpty { continue }
            rules.append(Rule(pattern: Array(line.utf8), negated: negated, directoryOnly: directoryOnly, anchored: anchored))
        }
    }

    /// True when the file at `path` (relative to the source root) is excluded, directly or
    /// through one of its parent directories.
    public func isIgnored(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        var slash = bytes.startIndex
        while let next = bytes[slash...].firstIndex(of: UInt8(ascii: "/")) {
            if matches(bytes[..<next], isDirectory: true) == true { return true }
            slash = next + 1
        }
        return matches(bytes[...], isDirectory: false) ?? false
    }

    /// The verdict of the last matching rule, or `nil` when none matches.
    private func matches(_ path: ArraySlice<UInt8>, isDirectory: Bool) -> Bool? {
        var verdict: Bool?
        let name = path.lastIndex(of: UInt8(ascii: "/")).map { path[($0 + 1)...] } ?? path
        for rule in rules {
            if rule.directoryOnly && !isDirectory { continue }
            if rule.matches(rule.anchored ? path : name) { verdict = !rule.negated }
        }
        return verdict
    }

    static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var pattern = pattern
        var text = text
        while let token = pattern.first {
            switch token {
            case UInt8(ascii: "*"):
                if pattern.dropFirst().first == UInt8(ascii: "*") {
                    var rest = pattern.dropFirst(2)
                    if rest.first == UInt8(ascii: "/") { rest = rest.dropFirst() }
                    if rest.isEmpty { return true }
                    var candidate = text
                    while true {
                        if glob(rest, candidate) { return true }
                        guard let slash = candidate.firstIndex(of: UInt8(ascii: "/")) else { return false }
                        candidate = candidate[(slash + 1)...]
                    }
                }
                let rest = pattern.dropFirst()
                var candidate = text
                while true {
                    if glob(rest, candidate) { return true }
                    guard let first = candidate.first, first != UInt8(ascii: "/") else { return false }
                    candidate = candidate.dropFirst()
                }
            case UInt8(ascii: "?"):
                guard let first = text.first, first != UInt8(ascii: "/") else { return false }
                pattern = pattern.dropFirst()
                text = text.dropFirst()
            case UInt8(ascii: "["):
                guard let close = pattern.dropFirst().firstIndex(of: UInt8(ascii: "]")), let first = text.first, first != UInt8(ascii: "/") else { return false }
                var set = pattern[(pattern.startIndex + 1)..<close]
                var negate = false
                if set.first == UInt8(ascii: "!") || set.first == UInt8(ascii: "^") {
                    negate = true
                    set = set.dropFirst()
                }
                var found = false
                var index = set.startIndex
                while index < set.endIndex {
                    if index + 2 < set.endIndex, set[index + 1] == UInt8(ascii: "-") {
                        if set[index] <= first && first <= set[index + 2] { found = true }
                        index += 3
                    } else {
                        if set[index] == first { found = true }
                        index += 1
                    }
                }
                guard found != negate else { return false }
                pattern = pattern[(close + 1)...]
                text = text.dropFirst()
            case UInt8(ascii: "\\"):
                let literal = pattern.dropFirst().first ?? UInt8(ascii: "\\")
                guard text.first == literal else { return false }
                pattern = pattern.dropFirst(2)
                text = text.dropFirst()
            default:
                guard text.first == token else { return false }
                pattern = pattern.dropFirst()
                text = text.dropFirst()
            }
        }
        return text.isEmpty
    }
}
