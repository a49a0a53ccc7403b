/// A YAML problem with the position where it was found.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax
        case duplicateKey
        case unsupported
        case tooLarge
        case invalidValue
    }

    public var code: Code
    public var message: String
    public var mark: YAMLMark?

    public init(code: Code, message: String, mark: YAMLMark? = nil) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    public var description: String {
        if let mark { return "\(mark): \(message)" }
        return message
    }
}
