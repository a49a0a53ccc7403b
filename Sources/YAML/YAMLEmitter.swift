import JSON

/// Writes JSON values as block-style YAML in the layout kubectl and kustomize print
/// (two-space indent, list items flush with their parent key), quoting every string that a
/// YAML 1.1 or 1.2 reader would otherwise take for another type.
public struct YAMLEmitter: Sendable {
    public var indent: Int
    /// Indent list items under their key (`key:\n  - a`) instead of keeping them flush (`key:\n- a`).
    public var indentSequencesInMappings: Bool

    public init(indent: Int = 2, indentSequencesInMappings: Bool = false) {
        self.indent = indent
        self.indentSequencesInMappings = indentSequencesInMappings
    }

    /// One document, ending in a newline.
    public func emit(_ value: JSONValue) -> String {
        var output = ""
        writeTopLevel(value, into: &output)
        return output
    }

    /// Several documents separated by `---` lines.
    public func emitDocuments(_ values: [JSONValue]) -> String {
        var output = ""
        for (index, value) in values.enumerated() {
            if index > 0 { output += "---\n" }
            writeTopLevel(value, into: &output)
        }
        return output
    }

    private func writeTopLevel(_ value: JSONValue, into output: inout String) {
        switch value {
        case .object(let object) where !object.isEmpty:
            writeMapping(object, level: 0, into: &output)
        case .array(let array) where !array.isEmpty:
            writeSequence(array, level: 0, into: &output)
        default:
            output += inlineScalar(value, level: 0)
            output += "\n"
        }
    }

    private func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    /// Writes mapping members, each starting at column `level`; the first line's indentation
    /// is written by the caller when `firstLineIndented` is false.
    private func writeMapping(_ object: JSONObject, level: Int, firstLineIndented: Bool = true, into output: inout String) {
        var first = true
        for (key, value) in object {
            if !(first && !firstLineIndented) { output += spaces(level) }
            first = false
            output += YAMLScalarStyleChooser.key(key)
            output += ":"
            switch value {
            case .object(let child) where !child.isEmpty:
                output += "\n"
                writeMapping(child, level: level + indent, into: &output)
            case .array(let child) where !child.isEmpty:
                output += "\n"
                writeSequence(child, level: indentSequencesInMappings ? level + indent : level, into: &output)
            default:
                output += " "
                output += inlineScalar(value, level: level)
                output += "\n"
            }
        }
    }

    private func writeSequence(_ array: [JSONValue], level: Int, firstLineIndented: Bool = true, into output: inout String) {
        var first = true
        for item in array {
            if !(first && !firstLineIndented) { output += spaces(level) }
            first = false
            output += "- "
            switch item {
            case .object(let child) where !child.isEmpty:
                writeMapping(child, level: level + 2, firstLineIndented: false, into: &output)
            case .array(let child) where !child.isEmpty:
                writeSequence(child, level: level + 2, firstLineIndented: false, into: &output)
            default:
                output += inlineScalar(item, level: level)
                output += "\n"
            }
        }
    }

    /// A scalar (or empty collection) written after `key: ` or `- `; block scalars continue on
    /// following lines indented past `level`.
    private func inlineScalar(_ value: JSONValue, level: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .number(let number): return number.literal
        case .object: return "{}"
        case .array: return "[]"
        case .string(let string):
            return YAMLScalarStyleChooser.value(string, blockIndent: level + indent)
        }
    }
}
