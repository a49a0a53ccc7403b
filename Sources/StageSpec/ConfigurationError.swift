/// Where a configuration document came from: the file as the operator named it and the
/// document's 0-based position in that file's YAML stream.
public struct DocumentOrigin: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var documentIndex: Int

    public init(file: String, documentIndex: Int) {
        self.file = file
        self.documentIndex = documentIndex
    }

    public var description: String { "\(file)[\(documentIndex)]" }
}

/// One problem in the configuration: `payments.yaml[0]: spec.stages[1].name: duplicate stage name "app"`.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax
        case unknownField
        case unknownKind
        case missingField
        case invalidValue
        case notSupportedYet
        case notApplicableOnHost
        case duplicate
        case unresolvedReference
        case unreadable
    }

    public var code: Code
    /// `nil` for problems that concern a whole file (unreadable, YAML syntax).
    public var origin: DocumentOrigin?
    public var file: String
    public var path: FieldPath?
    public var message: String

    public init(code: Code, origin: DocumentOrigin, path: FieldPath?, message: String) {
        self.code = code
        self.origin = origin
        self.file = origin.file
        self.path = path
        self.message = message
    }

    public init(code: Code, file: String, message: String) {
        self.code = code
        self.origin = nil
        self.file = file
        self.path = nil
        self.message = message
    }

    public var description: String {
        var text = origin.map(\.description) ?? file
        if let path { text += ": \(path)" }
        return text + ": " + message
    }
}

/// The configuration could not be loaded; `issues` lists every problem found, in file order.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigurationIssue]

    public init(issues: [ConfigurationIssue]) {
        self.issues = issues
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
