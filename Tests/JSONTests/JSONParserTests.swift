import Testing
import TestSupport
@testable import JSON

@Suite struct JSONParserTests {
    @Test func keepsMemberOrderAndNumberLiterals() throws {
        let value = try JSONParser.parse(#"{"b": 1.50, "a": [true, false, null], "c": -0.0e+10, "big": 123456789012345678901234567890}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a", "c", "big"])
        #expect(object["b"]?.numberValue?.literal == "1.50")
        #expect(object["c"]?.numberValue?.literal == "-0.0e+10")
        #expect(object["big"]?.numberValue?.literal == "123456789012345678901234567890")
        #expect(JSONSerializer().string(value) == #"{"b":1.50,"a":[true,false,null],"c":-0.0e+10,"big":123456789012345678901234567890}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\n\té😀"))
    }

    @Test func lonelySurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONParser.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
        #expect(try JSONParser.parse(#""\udc00""#) == .string("\u{FFFD}"))
    }

    @Test func rejectsDuplicateKeysWithPosition() {
        #expect {
            try JSONParser.parse("{\n  \"a\": 1,\n  \"a\": 2\n}")
        } throws: { error in
            guard let error = error as? JSONError else { return false }
            return error.code == .duplicateKey && error.line == 3 && error.column == 3
        }
    }

    @Test func keepLastAcceptsDuplicateKeys() throws {
        let value = try JSONParser.parse(#"{"a":1,"a":2}"#, options: .init(duplicateKeys: .keepLast))
        #expect(value["a"] == .integer(2))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "tru", "[1 2]", "{\"a\":1}x", "\"\u{01}\"", "1e", ".5", "+1",
        "{'a':1}", "[", "\"abc",
    ])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }

    @Test func reportsLineAndColumnOfSyntaxErrors() {
        #expect {
            try JSONParser.parse("{\n  \"a\": [1, 2,,]\n}")
        } throws: { error in
            guard let error = error as? JSONError else { return false }
            return error.line == 2 && error.column == 14 && error.description.hasPrefix("line 2, column 14")
        }
    }

    @Test func refusesExcessiveNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect {
            try JSONParser.parse(deep)
        } throws: { error in (error as? JSONError)?.code == .tooDeep }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(throws: JSONError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func randomBytesNeverCrashTheParser() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("{}[]\",:0123456789.eE+-truefalsn\\u \n\t".utf8) + [0xC3, 0xA9, 0xFF]
        for _ in 0..<5_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func serializedRandomValuesParseBackEqual() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let value = RandomJSON.value(depth: 0, using: &generator)
            for serializer in [JSONSerializer(), JSONSerializer(indentation: .spaces(2)), JSONSerializer(indentation: .tab, escapeHTML: true)] {
                let text = serializer.serialize(value)
                #expect(try JSONParser.parse(text) == value)
            }
        }
    }

    @Test func escapesHTMLAndControlCharactersLikeGo() {
        let text = JSONSerializer(escapeHTML: true).string(.string("<a&b>\u{2028}\u{01}"))
        #expect(text == #""\u003ca\u0026b\u003e\u2028\u0001""#)
    }

    @Test func prettyPrintsWithIndentation() {
        let value: JSONValue = ["a": [1, 2], "b": [:], "c": []]
        #expect(JSONSerializer(indentation: .spaces(2)).string(value) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    }

    @Test func objectEqualityIgnoresMemberOrder() {
        let first: JSONValue = ["a": 1, "b": 2]
        let second: JSONValue = ["b": 2, "a": 1]
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(JSONValue.number(JSONNumber(literal: "1.0")) == .integer(1))
    }
}

