/// Checks Kubernetes label-selector text (`app=web, tier in (a,b), !legacy, release notin (x)`)
/// the way `labels.Parse` reads it, so a typo in a patch target is reported at load time instead
/// of by kustomize during a rollout.
enum LabelSelectorSyntax {
    /// `nil` when `text` parses, else what is wrong with it.
    static func problem(in text: String) -> String? {
        var scanner = Scanner(Array(text.unicodeScalars))
        if scanner.atEnd { return nil }
        while true {
            if let problem = scanner.requirement() { return problem }
            scanner.skipSpaces()
            if scanner.atEnd { return nil }
            guard scanner.consume(",") else { return "expected \",\" after a requirement, found \(scanner.describeNext())" }
        }
    }

    /// `nil` when `key` is a valid label key: an optional DNS-subdomain prefix and `/`, then a
    /// name of at most 63 characters.
    static func keyProblem(_ key: String) -> String? {
        var name = Substring(key)
        if let slash = key.firstIndex(of: "/") {
            let prefix = key[..<slash]
            name = key[key.index(after: slash)...]
            if prefix.isEmpty || prefix.count > 253
                || !prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isDNSLabel)
            {
                return "invalid label key \"\(key)\": the prefix must be a DNS subdomain"
            }
        }
        guard isName(name) else {
            return "invalid label key \"\(key)\": the name must be at most 63 characters of [A-Za-z0-9_.-], starting and ending with a letter or digit"
        }
        return nil
    }

    static func valueProblem(_ value: String) -> String? {
        if value.isEmpty || isName(Substring(value)) { return nil }
        return "invalid label value \"\(value)\": at most 63 characters of [A-Za-z0-9_.-], starting and ending with a letter or digit"
    }

    private static func isName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.count <= 63, let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        return text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    private static func isDNSLabel(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.count <= 63, let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            isLowerAlphanumeric(first), isLowerAlphanumeric(last)
        else { return false }
        return text.unicodeScalars.allSatisfy { isLowerAlphanumeric($0) || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
            skipSpaces()
        }

        var atEnd: Bool { position >= scalars.count }

        mutating func skipSpaces() {
            while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
        }

        mutating func consume(_ text: String) -> Bool {
            skipSpaces()
            let wanted = Array(text.unicodeScalars)
            guard position + wanted.count <= scalars.count, Array(scalars[position..<(position + wanted.count)]) == wanted else { return false }
            position += wanted.count
            return true
        }

        func describeNext() -> String {
            atEnd ? "the end" : "\"\(String(String.UnicodeScalarView(scalars[position...])))\""
        }

        /// A run of characters up to a space or an operator character.
        mutating func word() -> String {
            skipSpaces()
            let start = position
            while position < scalars.count, !" \t,=!()<>".unicodeScalars.contains(scalars[position]) { position += 1 }
            return String(String.UnicodeScalarView(scalars[start..<position]))
        }

        mutating func requirement() -> String? {
            if consume("!") {
                let key = word()
                if key.isEmpty { return "expected a label key after \"!\"" }
                return LabelSelectorSyntax.keyProblem(key)
            }
            let key = word()
            if key.isEmpty { return "expected a label key, found \(describeNext())" }
            if let problem = LabelSelectorSyntax.keyProblem(key) { return problem }
            skipSpaces()
            if atEnd || scalars[position] == "," { return nil }
            if consume("==") || consume("=") || consume("!=") {
                return LabelSelectorSyntax.valueProblem(word())
            }
            if consume(">") || consume("<") {
                let number = word()
                return Int(number) == nil ? "expected an integer after > or <, found \"\(number)\"" : nil
            }
            let operation = word()
            guard operation == "in" || operation == "notin" else {
                return "expected an operator (=, ==, !=, in, notin, >, <) after \"\(key)\", found \(operation.isEmpty ? describeNext() : "\"\(operation)\"")"
            }
            guard consume("(") else { return "expected \"(\" after \(operation)" }
            if consume(")") { return "\(operation) needs at least one value" }
            while true {
                if let problem = LabelSelectorSyntax.valueProblem(word()) { return problem }
                if consume(")") { return nil }
                guard consume(",") else { return "expected \",\" or \")\" in the value list of \(operation), found \(describeNext())" }
            }
        }
    }
}
