import JSON
import Testing
import TestSupport
@testable import YAML

@Suite struct YAMLParserTests {
    @Test func parsesEveryDocumentOfAStream() throws {
        let stream = try YAMLParser.parse("a: 1\n---\n---\nb: [x, y]\n...\n")
        #expect(stream.documents.count == 3)
        #expect(stream.documents[1].root == nil)
        #expect(try stream.documents[0].root?.jsonValue() == ["a": 1])
        #expect(try stream.documents[2].root?.jsonValue() == ["b": ["x", "y"]])
    }

    @Test func keepsScalarStylesTagsAndPositions() throws {
        let stream = try YAMLParser.parse("key: 'quoted'\nblock: |\n  text\nplain: 5\ntagged: !!str 7\n")
        guard case .mapping(let pairs)? = stream.documents.first?.root?.content else {
            Issue.record("expected a mapping")
            return
        }
        #expect(pairs[0].value.content == .scalar("quoted", .singleQuoted))
        #expect(pairs[1].value.content == .scalar("text\n", .literal))
        #expect(pairs[2].value.start == YAMLMark(line: 4, column: 8, characterOffset: 37))
        #expect(pairs[3].value.tag == "tag:yaml.org,2002:str")
        #expect(try stream.documents[0].root?.jsonValue() == ["key": "quoted", "block": "text\n", "plain": 5, "tagged": "7"])
    }

    @Test func expandsAliasesAndAppliesMergeKeys() throws {
        let text = """
            base: &base {a: 1, b: 2}
            copy: *base
            merged:
              <<: *base
              b: 3
            """
        let value = try #require(try YAMLParser.parseDocuments(Array(text.utf8)).first).jsonValue()
        #expect(value["copy"] == ["a": 1, "b": 2])
        #expect(value["merged"] == ["b": 3, "a": 1])
    }

    @Test func refusesAliasBombs() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect {
            try YAMLParser.parse(text)
        } throws: { error in (error as? YAMLError)?.code == .tooLarge }
    }

    @Test func reportsSyntaxErrorsWithLineAndColumn() {
        #expect {
            try YAMLParser.parse("a: 1\nb: [unclosed\nc: 3\n")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.code == .syntax && error.mark != nil && error.description.contains("line")
        }
    }

    @Test func rejectsDuplicateKeysWhenConvertingToJSON() throws {
        let root = try #require(try YAMLParser.parseDocuments(Array("a: 1\nb: 2\na: 3\n".utf8)).first)
        #expect {
            try root.jsonValue()
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.code == .duplicateKey && error.mark?.line == 3
        }
    }

    @Test func recoversCommentsOutsideScalars() throws {
        let text = """
            # head comment
            a: 1 # line comment
            b: "not # a comment"
            c: |
              # inside a block
            # after the block
            d: x#y
            """
        let stream = try YAMLParser.parse(text)
        #expect(stream.comments.map(\.text) == [" head comment", " line comment", " after the block"])
        #expect(stream.comments.map(\.ownsLine) == [true, false, true])
        #expect(stream.comments[1].start.line == 2)
        #expect(stream.comments[1].start.column == 6)
    }

    @Test func malformedInputNeverCrashes() {
        var generator = SeededGenerator(seed: 99)
        let pieces = ["a", ":", " ", "\n", "-", "[", "]", "{", "}", "&x", "*x", "!!int", "'", "\"", "|", ">", "#", "---", "\t", "é", "<<"]
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0..<30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            if let stream = try? YAMLParser.parse(text) {
                for document in stream.documents {
                    _ = try? document.root?.jsonValue()
                }
            }
        }
    }
}
