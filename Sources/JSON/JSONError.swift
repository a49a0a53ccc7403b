/// A JSON syntax error with the position where it was found.
public struct JSONError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax
        case duplicateKey
        case tooDeep
    }

    public var code: Code
    public var message: String
    /// 1-based line and column (in characters) of the problem; 0 when not known.
    public var line: Int
    public var column: Int

    public var description: String {
        line > 0 ? "line \(line), column \(column): \(message)" : message
    }
}
