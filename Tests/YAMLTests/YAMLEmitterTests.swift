import JSON
import Testing
import TestSupport
@testable import YAML

@Suite struct YAMLEmitterTests {
    @Test func writesTheLayoutKubectlPrints() {
        let value: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "web", "labels": ["app": "web"]],
            "data": ["script": "echo hi\nexit 0\n", "empty": "", "flag": "true", "port": "8080", "yes": "yes"],
            "list": [["name": "a", "value": 1], [1, 2], [], [:]],
        ]
        let expected = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web
              labels:
                app: web
            data:
              script: |
                echo hi
                exit 0
              empty: ""
              flag: 'true'
              port: '8080'
              'yes': 'yes'
            list:
            - name: a
              value: 1
            - - 1
              - 2
            - []
            - {}

            """
        #expect(YAMLEmitter().emit(value) == expected)
    }

    @Test func quotesStringsOtherReadersWouldRetype() throws {
        for text in ["yes", "No", "on", "~", "null", "1:20", "0x10", "1e5", "- a", "a: b", "a #b", "#c", "@x", " lead", "trail ", "*x", "...", "=", "<<"] {
            let emitted = YAMLEmitter().emit(["v": .string(text)])
            #expect(!emitted.hasPrefix("v: \(text)\n"), "\(text) must be quoted")
            #expect(try YAMLParser.parseDocuments(Array(emitted.utf8)).first?.jsonValue() == ["v": .string(text)])
        }
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<500 {
            let value = RandomJSON.value(depth: 0, using: &generator)
            for emitter in [YAMLEmitter(), YAMLEmitter(indent: 4, indentSequencesInMappings: true)] {
                let text = emitter.emit(value)
                let parsed = try #require(try YAMLParser.parse(text).documents.first?.root).jsonValue()
                #expect(parsed == value, "round trip of \(text)")
            }
        }
    }

    @Test func multiLineStringsRoundTripInEveryChompingMode() throws {
        for text in ["a\nb", "a\nb\n", "a\nb\n\n", "\n", " leading\nspace", "\nleading newline", "trailing spaces  \nx", "tab\there\n"] {
            let emitted = YAMLEmitter().emit(["k": .string(text), "l": [.string(text)]])
            #expect(try YAMLParser.parse(emitted).documents.first?.root?.jsonValue() == ["k": .string(text), "l": [.string(text)]], "\(emitted)")
        }
    }

    @Test func separatesDocuments() {
        #expect(YAMLEmitter().emitDocuments([["a": 1], ["b": 2]]) == "a: 1\n---\nb: 2\n")
    }
}
