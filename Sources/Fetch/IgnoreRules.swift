/// `.gitignore`-style exclusion rules, as Flux applies `spec.ignore` and `.sourceignore`:
/// `*`, `?`, `[abc]`, `**`, a leading `/` or inner `/` anchors, a trailing `/` matches
/// directories only, `!` re-includes, and the last matching rule wins.
public struct IgnoreRules: Sendable, Hashable {
    struct Rule: Sendable, Hashable {
        var pattern: [Character]
        var negated: Bool
        var directoryOnly: Bool
        var anchored: Bool
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
            rules.append(Rule(pattern: Array(line), negated: negated, directoryOnly: directoryOnly, anchored: anchored))
        }
    }

    /// True when the file at `path` (relative to the source root) is excluded, directly or
    /// through one of its parent directories.
    public func isIgnored(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        for depth in 1..<max(components.count, 1) {
            if matches(components[0..<depth].joined(separator: "/"), isDirectory: true) == true { return true }
        }
        return matches(path, isDirectory: false) ?? false
    }

    /// The verdict of the last matching rule, or `nil` when none matches.
    private func matches(_ path: String, isDirectory: Bool) -> Bool? {
        var verdict: Bool?
        let pathCharacters = Array(path)
        let name = Array(path.split(separator: "/").last.map(String.init) ?? path)
        for rule in rules {
            if rule.directoryOnly && !isDirectory { continue }
            let matched = rule.anchored ? Self.glob(rule.pattern[...], pathCharacters[...]) : Self.glob(rule.pattern[...], name[...])
            if matched { verdict = !rule.negated }
        }
        return verdict
    }

    static func glob(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        var pattern = pattern
        var text = text
        while let token = pattern.first {
            switch token {
            case "*":
                if pattern.dropFirst().first == "*" {
                    var rest = pattern.dropFirst(2)
                    if rest.first == "/" { rest = rest.dropFirst() }
                    if rest.isEmpty { return true }
                    var candidate = text
                    while true {
                        if glob(rest, candidate) { return true }
                        guard let slash = candidate.firstIndex(of: "/") else { return false }
                        candidate = candidate[(slash + 1)...]
                    }
                }
                let rest = pattern.dropFirst()
                var candidate = text
                while true {
                    if glob(rest, candidate) { return true }
                    guard let first = candidate.first, first != "/" else { return false }
                    candidate = candidate.dropFirst()
                }
            case "?":
                guard let first = text.first, first != "/" else { return false }
                pattern = pattern.dropFirst()
                text = text.dropFirst()
            case "[":
                guard let close = pattern.dropFirst().firstIndex(of: "]"), let first = text.first, first != "/" else { return false }
                var set = pattern[(pattern.startIndex + 1)..<close]
                var negate = false
                if set.first == "!" || set.first == "^" {
                    negate = true
                    set = set.dropFirst()
                }
                var found = false
                var index = set.startIndex
                while index < set.endIndex {
                    if index + 2 < set.endIndex, set[index + 1] == "-" {
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
            case "\\":
                let literal = pattern.dropFirst().first ?? "\\"
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
