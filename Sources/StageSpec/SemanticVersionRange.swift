/// A semver range in the constraint syntax Flux accepts for `ref.semver` (Masterminds/semver):
/// `>=1.0.0 <2.0.0`, `1.2.x`, `~1.2`, `^1.2.3`, `1.2 - 1.4`, alternatives joined by `||`.
/// A prerelease version matches only when a comparator of the same major.minor.patch names a prerelease.
public struct SemanticVersionRange: Sendable, Hashable, CustomStringConvertible {
    struct Comparator: Sendable, Hashable {
        enum Operation: Sendable, Hashable {
            case equal, notEqual, greater, greaterOrEqual, less, lessOrEqual
        }
        var operation: Operation
        var version: SemanticVersion

        func matches(_ candidate: SemanticVersion) -> Bool {
            switch operation {
            case .equal: return candidate == version
            case .notEqual: return candidate != version
            case .greater: return candidate > version
            case .greaterOrEqual: return candidate >= version
            case .less: return candidate < version
            case .lessOrEqual: return candidate <= version
            }
        }
    }

    /// Alternatives (`||`), each a conjunction of comparators.
    let alternatives: [[Comparator]]
    public let description: String

    /// Parses a range; `nil` when the text is not a valid constraint.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty else { return nil }
        var alternatives: [[Comparator]] = []
        for alternative in trimmed.components(separatedBy: "||") {
            guard let comparators = Self.parseConjunction(alternative) else { return nil }
            alternatives.append(comparators)
        }
        self.alternatives = alternatives
        self.description = trimmed
    }

    public func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { comparators in
            guard comparators.allSatisfy({ $0.matches(version) }) else { return false }
            if !version.isPrerelease { return true }
            return comparators.contains {
                $0.version.isPrerelease && ($0.version.major, $0.version.minor, $0.version.patch) == (version.major, version.minor, version.patch)
            }
        }
    }

    /// Splits `>= 1.0, <2` into comparator terms and expands each into plain comparators.
    private static func parseConjunction(_ text: String) -> [Comparator]? {
        var tokens = text.replacingAll(",", with: " ").split(separator: " ").map(String.init)
        // Re-attach operators written apart from their version (`>= 1.0`).
        var merged: [String] = []
        while !tokens.isEmpty {
            let token = tokens.removeFirst()
            if ["=", "!=", ">", "<", ">=", "<=", "=<", "=>", "~", "~>", "^"].contains(token), !tokens.isEmpty {
                merged.append(token + tokens.removeFirst())
            } else {
                merged.append(token)
            }
        }
        guard !merged.isEmpty else { return nil }
        var comparators: [Comparator] = []
        var index = 0
        while index < merged.count {
            if index + 2 < merged.count, merged[index + 1] == "-" {
                guard let lower = Partial(merged[index]), let upper = Partial(merged[index + 2]) else { return nil }
                comparators.append(Comparator(operation: .greaterOrEqual, version: lower.floor))
                comparators.append(upper.upperBoundInclusive)
                index += 3
                continue
            }
            guard let expanded = expand(merged[index]) else { return nil }
            comparators.append(contentsOf: expanded)
            index += 1
        }
        return comparators
    }

    private static func expand(_ term: String) -> [Comparator]? {
        let operators = ["!=", ">=", "<=", "=<", "=>", "~>", ">", "<", "=", "~", "^"]
        let symbol = operators.first { term.hasPrefix($0) } ?? ""
        guard let partial = Partial(String(term.dropFirst(symbol.count))) else { return nil }
        switch symbol {
        case "", "=":
            if partial.isWildcard { return partial.wildcardRange }
            return [Comparator(operation: .equal, version: partial.floor)]
        case "!=":
            return [Comparator(operation: .notEqual, version: partial.floor)]
        case ">":
            if let next = partial.nextAfterWildcard { return [Comparator(operation: .greaterOrEqual, version: next)] }
            return [Comparator(operation: .greater, version: partial.floor)]
        case ">=", "=>":
            return [Comparator(operation: .greaterOrEqual, version: partial.floor)]
        case "<":
            return [Comparator(operation: .less, version: partial.floor)]
        case "<=", "=<":
            return [partial.upperBoundInclusive]
        case "~", "~>":
            let upper: SemanticVersion
            if partial.minor == nil {
                upper = SemanticVersion(major: partial.major + 1)
            } else {
                upper = SemanticVersion(major: partial.major, minor: partial.minor! + 1)
            }
            return [Comparator(operation: .greaterOrEqual, version: partial.floor), Comparator(operation: .less, version: upper)]
        case "^":
            let upper: SemanticVersion
            if partial.major > 0 || partial.minor == nil {
                upper = SemanticVersion(major: partial.major + 1)
            } else if partial.minor! > 0 || partial.patch == nil {
                upper = SemanticVersion(major: 0, minor: partial.minor! + 1)
            } else {
                upper = SemanticVersion(major: 0, minor: 0, patch: partial.patch! + 1)
            }
            return [Comparator(operation: .greaterOrEqual, version: partial.floor), Comparator(operation: .less, version: upper)]
        default:
            return nil
        }
    }

    /// A version with possibly missing or wildcard (`x`, `X`, `*`) parts.
    struct Partial {
        var major: UInt64
        var minor: UInt64?
        var patch: UInt64?
        var prerelease: [String]
        var isAnything: Bool

        init?(_ text: String) {
            var body = Substring(text)
            if body.first == "v" || body.first == "V" { body = body.dropFirst() }
            if body == "*" || body == "x" || body == "X" {
                major = 0
                isAnything = true
                prerelease = []
                return
            }
            isAnything = false
            if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
            if let dash = body.firstIndex(of: "-") {
                prerelease = body[body.index(after: dash)...].split(separator: ".").map(String.init)
                guard !prerelease.isEmpty else { return nil }
                body = body[..<dash]
            } else {
                prerelease = []
            }
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count) else { return nil }
            var values: [UInt64?] = []
            for part in parts {
                if part == "x" || part == "X" || part == "*" {
                    values.append(nil)
                } else if let value = UInt64(part), part.allSatisfy(\.isNumber) {
                    guard values.last.map({ $0 != nil }) ?? true else { return nil }
                    values.append(value)
                } else {
                    return nil
                }
            }
            guard let first = values[0] else {
                major = 0
                isAnything = true
                return
            }
            major = first
            minor = values.count > 1 ? values[1] : nil
            patch = values.count > 2 ? values[2] : nil
        }

        var isWildcard: Bool { isAnything || minor == nil || patch == nil }

        var floor: SemanticVersion {
            SemanticVersion(major: major, minor: minor ?? 0, patch: patch ?? 0, prerelease: prerelease)
        }

        var wildcardRange: [Comparator] {
            if isAnything { return [Comparator(operation: .greaterOrEqual, version: SemanticVersion(major: 0))] }
            return [Comparator(operation: .greaterOrEqual, version: floor)] + (nextAfterWildcard.map { [Comparator(operation: .less, version: $0)] } ?? [])
        }

        /// The first version past a wildcard partial (`1.2.x` → 1.3.0).
        var nextAfterWildcard: SemanticVersion? {
            if isAnything { return nil }
            if minor == nil { return SemanticVersion(major: major + 1) }
            if patch == nil { return SemanticVersion(major: major, minor: minor! + 1) }
            return nil
        }

        var upperBoundInclusive: Comparator {
            if let next = nextAfterWildcard { return Comparator(operation: .less, version: next) }
            if isAnything { return Comparator(operation: .greaterOrEqual, version: SemanticVersion(major: 0)) }
            return Comparator(operation: .lessOrEqual, version: floor)
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var view = Substring(self)
        while let first = view.first, characters.contains(first) { view = view.dropFirst() }
        while let last = view.last, characters.contains(last) { view = view.dropLast() }
        return String(view)
    }

    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
