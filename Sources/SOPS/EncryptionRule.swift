/// Decides, per leaf, whether sops encrypted it: from the leaf's key path (mapping keys only) and
/// the stack of comments seen at each enclosing level, under the file's single selector.
///
/// Regular expressions are compiled with Swift `Regex` using Unicode-scalar semantics (RE2 matches
/// runes, not grapheme clusters), ASCII-only `\d \w \s \b` and POSIX classes (as in RE2), and are
/// searched unanchored, like Go's `regexp.Match`; `\pL` is rewritten `\p{L}`. Differences from RE2 that
/// remain: Swift accepts look-arounds, back-references and possessive quantifiers that RE2 rejects
/// (sops refuses such patterns when encrypting, so files do not carry them), Unicode property names
/// follow Swift's spelling, and a pattern that does not compile never matches (sops ignores the
/// compile error the same way).
struct EncryptionRule {
    private enum Matcher {
        case suffix([UInt8])
        case regex(Regex<AnyRegexOutput>?)
    }

    private let selector: EncryptionSelector
    private let matcher: Matcher

    init(_ selector: EncryptionSelector) {
        self.selector = selector
        switch selector {
        case .unencryptedSuffix(let suffix), .encryptedSuffix(let suffix):
            matcher = .suffix(Array(suffix.utf8))
        case .unencryptedRegex(let pattern), .encryptedRegex(let pattern),
            .unencryptedCommentRegex(let pattern), .encryptedCommentRegex(let pattern):
            matcher = .regex((try? Regex(Self.swiftPattern(pattern)))?.matchingSemantics(.unicodeScalar).asciiOnlyCharacterClasses())
        }
    }

    /// RE2 syntax Swift spells differently: one-letter Unicode classes `\pL` / `\PL` need braces.
    static func swiftPattern(_ pattern: String) -> String {
        var output = ""
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            output.append(character)
            guard character == "\\", let next = characters.popFirst() else { continue }
            output.append(next)
            if next == "p" || next == "P", let letter = characters.first, letter != "{" {
                characters.removeFirst()
                output += "{\(letter)}"
            }
        }
        return output
    }

    private func matches(_ text: [UInt8]) -> Bool {
        switch matcher {
        case .suffix(let suffix):
            return text.count >= suffix.count && text[(text.count - suffix.count)...].elementsEqual(suffix)
        case .regex(let regex):
            guard let regex else { return false }
            return String(decoding: text, as: UTF8.self).contains(regex)
        }
    }

    /// sops' `shouldBeEncrypted`.
    func shouldEncrypt(path: [[UInt8]], comments: [[[UInt8]]], isComment: Bool) -> Bool {
        switch selector {
        case .unencryptedSuffix, .unencryptedRegex:
            return !path.contains(where: matches)
        case .encryptedSuffix, .encryptedRegex:
            return path.contains(where: matches)
        case .unencryptedCommentRegex:
            return !comments.contains(where: { $0.contains(where: matches) })
        case .encryptedCommentRegex:
            // The comment line that matches stays plain itself: skip the newest comment when judging a comment.
            let lastLevel = comments.count - 1
            for (level, levelComments) in comments.enumerated() {
                for (index, comment) in levelComments.enumerated() {
                    if isComment && level == lastLevel && index == levelComments.count - 1 { continue }
                    if matches(comment) { return true }
                }
            }
            return false
        }
    }
}
