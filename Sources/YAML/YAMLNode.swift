/// A position in a YAML text: 1-based line and column (in characters) and 0-based character offset.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var characterOffset: Int

    public init(line: Int, column: Int, characterOffset: Int) {
        self.line = line
        self.column = column
        self.characterOffset = characterOffset
    }

    public var description: String { "line \(line), column \(column)" }
}

/// How a scalar was written; quoted and block scalars are always strings.
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
    case folded
}

/// One node of a composed YAML document, with aliases already expanded into copies.
public struct YAMLNode: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case scalar(String, YAMLScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLMappingPair])
    }

    public var content: Content
    /// The resolved tag when one was written (`tag:yaml.org,2002:str` for `!!str`), else `nil`.
    public var tag: String?
    public var anchor: String?
    /// Whether the node was written in flow style (`[a, b]`, `{a: b}`); scalars are never flow.
    public var isFlow: Bool
    public var start: YAMLMark
    public var end: YAMLMark

    public init(content: Content, tag: String? = nil, anchor: String? = nil, isFlow: Bool = false, start: YAMLMark, end: YAMLMark) {
        self.content = content
        self.tag = tag
        self.anchor = anchor
        self.isFlow = isFlow
        self.start = start
        self.end = end
    }

    /// The scalar text, or `nil` for collections.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }
}

public struct YAMLMappingPair: Sendable, Hashable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A `#` comment found in the text, outside any scalar.
public struct YAMLComment: Sendable, Hashable {
    /// The comment text after `#`, without the line break.
    public var text: String
    public var start: YAMLMark
    /// True when only whitespace precedes the comment on its line.
    public var ownsLine: Bool
}

public struct YAMLDocument: Sendable, Hashable {
    /// `nil` for an empty document (`---` followed by nothing).
    public var root: YAMLNode?
    public var start: YAMLMark
    public var end: YAMLMark
    public var hasExplicitStart: Bool
}

/// A parsed YAML stream: every document in order, plus the comments the text holds.
public struct YAMLStream: Sendable {
    public var documents: [YAMLDocument]
    public var comments: [YAMLComment]
}
