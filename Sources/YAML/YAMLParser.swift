import CYAML

/// Composes YAML text into `YAMLNode` trees with libyaml, expanding aliases and collecting comments.
public enum YAMLParser {
    public struct Limits: Sendable {
        /// Nesting depth beyond which the text is refused.
        public var maximumDepth: Int
        /// Total nodes (after alias expansion) beyond which the text is refused ("billion laughs").
        public var maximumNodes: Int

        public init(maximumDepth: Int = 256, maximumNodes: Int = 2_000_000) {
            self.maximumDepth = maximumDepth
            self.maximumNodes = maximumNodes
        }
    }

    /// Parses every document of a YAML stream.
    public static func parse(_ text: String, limits: Limits = Limits()) throws(YAMLError) -> YAMLStream {
        try parse(Array(text.utf8), limits: limits)
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(YAMLError) -> YAMLStream {
        var composer = Composer(limits: limits)
        let result: Result<[YAMLDocument], YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                return .failure(YAMLError(code: .syntax, message: "cannot initialise the YAML parser"))
            }
            defer { yaml_parser_delete(parser) }
            let base = buffer.baseAddress ?? UnsafePointer<UInt8>(bitPattern: 1)!
            yaml_parser_set_input_string(parser, base, buffer.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            var events = EventReader(parser: parser)
            do throws(YAMLError) {
                return .success(try composer.composeStream(&events))
            } catch {
                return .failure(error)
            }
        }
        let documents = try result.get()
        let comments = CommentScanner.scan(bytes, scalarRanges: composer.scalarRanges)
        return YAMLStream(documents: documents, comments: comments)
    }

    /// Parses a stream and returns the root of each non-empty document.
    public static func parseDocuments(_ bytes: [UInt8], limits: Limits = Limits()) throws(YAMLError) -> [YAMLNode] {
        try parse(bytes, limits: limits).documents.compactMap(\.root)
    }
}

/// An owned copy of one libyaml event.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(explicit: Bool)
    case documentEnd
    case alias(anchor: String)
    case scalar(value: String, tag: String?, anchor: String?, style: YAMLScalarStyle)
    case sequenceStart(tag: String?, anchor: String?, flow: Bool)
    case sequenceEnd
    case mappingStart(tag: String?, anchor: String?, flow: Bool)
    case mappingEnd
}

struct EventReader {
    let parser: UnsafeMutablePointer<yaml_parser_t>

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1, characterOffset: Int(mark.index))
    }

    mutating func next() throws(YAMLError) -> (YAMLEvent, YAMLMark, YAMLMark) {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
            var message = problem
            if let context = parser.pointee.context {
                message = "\(String(cString: context)): \(problem)"
            }
            throw YAMLError(code: .syntax, message: message, mark: Self.mark(parser.pointee.problem_mark))
        }
        defer { yaml_event_delete(&event) }
        let start = Self.mark(event.start_mark)
        let end = Self.mark(event.end_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: return (.streamStart, start, end)
        case YAML_STREAM_END_EVENT: return (.streamEnd, start, end)
        case YAML_DOCUMENT_START_EVENT:
            return (.documentStart(explicit: event.data.document_start.implicit == 0), start, end)
        case YAML_DOCUMENT_END_EVENT: return (.documentEnd, start, end)
        case YAML_ALIAS_EVENT:
            return (.alias(anchor: Self.string(event.data.alias.anchor) ?? ""), start, end)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let bytes = UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length))
            let value = String(decoding: bytes, as: UTF8.self)
            let style: YAMLScalarStyle
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            return (.scalar(value: value, tag: Self.string(scalar.tag), anchor: Self.string(scalar.anchor), style: style), start, end)
        case YAML_SEQUENCE_START_EVENT:
            let sequence = event.data.sequence_start
            return (
                .sequenceStart(tag: Self.string(sequence.tag), anchor: Self.string(sequence.anchor), flow: sequence.style == YAML_FLOW_SEQUENCE_STYLE),
                start, end
            )
        case YAML_SEQUENCE_END_EVENT: return (.sequenceEnd, start, end)
        case YAML_MAPPING_START_EVENT:
            let mapping = event.data.mapping_start
            return (
                .mappingStart(tag: Self.string(mapping.tag), anchor: Self.string(mapping.anchor), flow: mapping.style == YAML_FLOW_MAPPING_STYLE),
                start, end
            )
        case YAML_MAPPING_END_EVENT: return (.mappingEnd, start, end)
        default:
            throw YAMLError(code: .syntax, message: "unexpected YAML event", mark: start)
        }
    }
}

struct Composer {
    let limits: YAMLParser.Limits
    var anchors: [String: YAMLNode] = [:]
    var nodeCount = 0
    /// Character ranges covered by scalars, used to tell comments from `#` inside values.
    var scalarRanges: [Range<Int>] = []

    init(limits: YAMLParser.Limits) {
        self.limits = limits
    }

    mutating func composeStream(_ events: inout EventReader) throws(YAMLError) -> [YAMLDocument] {
        var documents: [YAMLDocument] = []
        let (first, firstMark, _) = try events.next()
        guard case .streamStart = first else {
            throw YAMLError(code: .syntax, message: "expected the start of a YAML stream", mark: firstMark)
        }
        while true {
            let (event, start, _) = try events.next()
            switch event {
            case .streamEnd:
                return documents
            case .documentStart(let explicit):
                anchors = [:]
                let (next, nextStart, nextEnd) = try events.next()
                var root: YAMLNode?
                var end = nextEnd
                if case .documentEnd = next {
                    root = nil
                } else {
                    root = try composeNode(next, start: nextStart, end: nextEnd, events: &events, depth: 0)
                    let (closing, _, closingEnd) = try events.next()
                    guard case .documentEnd = closing else {
                        throw YAMLError(code: .syntax, message: "expected the end of the document", mark: closingEnd)
                    }
                    end = closingEnd
                }
                if let node = root, case .scalar(let text, .plain) = node.content, text.isEmpty, node.tag == nil {
                    root = nil
                }
                documents.append(YAMLDocument(root: root, start: start, end: end, hasExplicitStart: explicit))
            default:
                throw YAMLError(code: .syntax, message: "unexpected content outside a document", mark: start)
            }
        }
    }

    private mutating func countNode(at mark: YAMLMark) throws(YAMLError) {
        nodeCount += 1
        if nodeCount > limits.maximumNodes {
            throw YAMLError(code: .tooLarge, message: "document expands to more than \(limits.maximumNodes) nodes (alias bomb?)", mark: mark)
        }
    }

    private func nodeSize(_ node: YAMLNode) -> Int {
        switch node.content {
        case .scalar: return 1
        case .sequence(let items): return items.reduce(1) { $0 + nodeSize($1) }
        case .mapping(let pairs): return pairs.reduce(1) { $0 + nodeSize($1.key) + nodeSize($1.value) }
        }
    }

    private mutating func composeNode(
        _ event: YAMLEvent, start: YAMLMark, end: YAMLMark, events: inout EventReader, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        guard depth < limits.maximumDepth else {
            throw YAMLError(code: .tooLarge, message: "nesting deeper than \(limits.maximumDepth) levels", mark: start)
        }
        switch event {
        case .alias(let anchor):
            guard let target = anchors[anchor] else {
                throw YAMLError(code: .syntax, message: "unknown alias *\(anchor)", mark: start)
            }
            nodeCount += nodeSize(target)
            if nodeCount > limits.maximumNodes {
                throw YAMLError(code: .tooLarge, message: "document expands to more than \(limits.maximumNodes) nodes (alias bomb?)", mark: start)
            }
            var copy = target
            copy.anchor = nil
            return copy
        case .scalar(let value, let tag, let anchor, let style):
            try countNode(at: start)
            scalarRanges.append(start.characterOffset..<max(end.characterOffset, start.characterOffset))
            let node = YAMLNode(content: .scalar(value, style), tag: tag, anchor: anchor, start: start, end: end)
            if let anchor { anchors[anchor] = node }
            return node
        case .sequenceStart(let tag, let anchor, let flow):
            try countNode(at: start)
            var items: [YAMLNode] = []
            while true {
                let (next, nextStart, nextEnd) = try events.next()
                if case .sequenceEnd = next {
                    let node = YAMLNode(content: .sequence(items), tag: tag, anchor: anchor, isFlow: flow, start: start, end: nextEnd)
                    if let anchor { anchors[anchor] = node }
                    return node
                }
                items.append(try composeNode(next, start: nextStart, end: nextEnd, events: &events, depth: depth + 1))
            }
        case .mappingStart(let tag, let anchor, let flow):
            try countNode(at: start)
            var pairs: [YAMLMappingPair] = []
            while true {
                let (next, nextStart, nextEnd) = try events.next()
                if case .mappingEnd = next {
                    let node = YAMLNode(content: .mapping(pairs), tag: tag, anchor: anchor, isFlow: flow, start: start, end: nextEnd)
                    if let anchor { anchors[anchor] = node }
                    return node
                }
                let key = try composeNode(next, start: nextStart, end: nextEnd, events: &events, depth: depth + 1)
                let (valueEvent, valueStart, valueEnd) = try events.next()
                let value = try composeNode(valueEvent, start: valueStart, end: valueEnd, events: &events, depth: depth + 1)
                pairs.append(YAMLMappingPair(key: key, value: value))
            }
        default:
            throw YAMLError(code: .syntax, message: "unexpected YAML structure", mark: start)
        }
    }
}
