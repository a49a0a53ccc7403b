import Foundation

/// A parsed `labelSelector` query (=, ==, !=, in, notin, exists, !exists).
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case let .equals(key, value): return labels[key] == value
            case let .notEquals(key, value): return labels[key] != value
            case let .isIn(key, values): return labels[key].map(values.contains) ?? false
            case let .notIn(key, values): return labels[key].map { !values.contains($0) } ?? true
            case let .exists(key): return labels[key] != nil
            case let .doesNotExist(key): return labels[key] == nil
            }
        }
    }

    var requirements: [Requirement]

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    static func parse(_ text: String) throws(APIStatusError) -> LabelSelector {
        var requirements: [Requirement] = []
        for term in splitTerms(text) {
            let trimmed = term.trimmingSpaces
            if trimmed.isEmpty { continue }
            requirements.append(try parseTerm(trimmed))
        }
        return LabelSelector(requirements: requirements)
    }

    /// Splits on commas that are not inside parentheses.
    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    private static func invalid(_ text: String) -> APIStatusError {
        .badRequest("unable to parse requirement: invalid label selector: \(text)")
    }

    private static func parseTerm(_ term: String) throws(APIStatusError) -> Requirement {
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingSpaces
            guard isValidKey(key) else { throw invalid(term) }
            return .doesNotExist(key)
        }
        if let range = term.range(of: "!=") {
            return .notEquals(try key(term[..<range.lowerBound], term), try labelValue(term[range.upperBound...], term))
        }
        if let range = term.range(of: "==") {
            return .equals(try key(term[..<range.lowerBound], term), try labelValue(term[range.upperBound...], term))
        }
        if let range = term.range(of: "=") {
            return .equals(try key(term[..<range.lowerBound], term), try labelValue(term[range.upperBound...], term))
        }
        let words = term.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        if words.count == 2 {
            let rest = words[1].trimmingSpaces
            for (keyword, negated) in [("notin", true), ("in", false)] where rest.hasPrefix(keyword) {
                let list = rest.dropFirst(keyword.count).trimmingSpaces
                guard list.hasPrefix("("), list.hasSuffix(")") else { throw invalid(term) }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingSpaces })
                let name = try key(words[0], term)
                return negated ? .notIn(name, values) : .isIn(name, values)
            }
            throw invalid(term)
        }
        guard isValidKey(term) else { throw invalid(term) }
        return .exists(term)
    }

    private static func key(_ text: Substring, _ term: String) throws(APIStatusError) -> String {
        let key = text.trimmingSpaces
        guard isValidKey(key) else { throw invalid(term) }
        return key
    }

    private static func labelValue(_ text: Substring, _ term: String) throws(APIStatusError) -> String {
        let value = text.trimmingSpaces
        guard value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else { throw invalid(term) }
        return value
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }
}

/// A parsed `fieldSelector`: only `metadata.name` and `metadata.namespace` (= / == / !=).
struct FieldSelector: Sendable {
    var requirements: [(field: String, value: String, negated: Bool)]

    static func parse(_ text: String) throws(APIStatusError) -> FieldSelector {
        var requirements: [(String, String, Bool)] = []
        for term in text.split(separator: ",") {
            let negated: Bool
            let parts: [Substring]
            if let range = term.range(of: "!=") {
                negated = true
                parts = [term[..<range.lowerBound], term[range.upperBound...]]
            } else if let range = term.range(of: "==") {
                negated = false
                parts = [term[..<range.lowerBound], term[range.upperBound...]]
            } else if let range = term.range(of: "=") {
                negated = false
                parts = [term[..<range.lowerBound], term[range.upperBound...]]
            } else {
                throw .badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let field = parts[0].trimmingSpaces
            guard field == "metadata.name" || field == "metadata.namespace" else {
                throw .badRequest("field label not supported: \(field)")
            }
            requirements.append((field, parts[1].trimmingSpaces, negated))
        }
        return FieldSelector(requirements: requirements)
    }

    func matches(name: String, namespace: String) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = requirement.field == "metadata.name" ? name : namespace
            return (actual == requirement.value) != requirement.negated
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
