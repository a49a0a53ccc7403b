/// A YAML emitter that lays text out exactly as go-yaml v3 (go.yaml.in/yaml/v3 3.0.4) does for the
/// events sops produces: block collections (flow only when empty), plain, quoted and literal
/// scalars, head/foot/tail comments, no line wrapping, Unicode written as is, `---` between documents.
/// It is a state machine over the whole event list, with the same indentation rules as go-yaml
/// (collections under a key indented by the indent width, mappings in list items after `- `).
struct GoYAMLEmitter {
    enum ScalarStyle: Equatable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
    }

    struct Event {
        enum Kind {
            case streamStart
            case streamEnd
            case documentStart(implicit: Bool)
            case documentEnd(implicit: Bool)
            case mappingStart(flow: Bool)
            case mappingEnd
            case sequenceStart(flow: Bool)
            case sequenceEnd
            /// `tag` is a long tag shown explicitly (`tag:yaml.org,2002:merge`), `nil` for implicit scalars.
            case scalar(value: [UInt8], tag: String?, style: ScalarStyle)
        }

        var kind: Kind
        var head: [UInt8] = []
        var line: [UInt8] = []
        var foot: [UInt8] = []
        var tail: [UInt8] = []

        init(_ kind: Kind) { self.kind = kind }
    }

    /// What the emitter learns about a scalar's characters (go-yaml's `yaml_emitter_analyze_scalar`).
    struct ScalarAnalysis {
        var multiline = false
        var flowPlainAllowed = false
        var blockPlainAllowed = true
        var singleQuotedAllowed = true
        var blockAllowed = false

        init(_ value: [UInt8]) {
            guard !value.isEmpty else { return }
            var blockIndicators = false
            var flowIndicators = false
            var lineBreaks = false
            var specialCharacters = false
            var tabCharacters = false
            var leadingSpace = false
            var leadingBreak = false
            var trailingSpace = false
            var trailingBreak = false
            var breakSpace = false
            var spaceBreak = false
            var precededByWhitespace = true
            var previousSpace = false
            var previousBreak = false
            if value.count >= 3, value[0..<3].elementsEqual(Array("---".utf8)) || value[0..<3].elementsEqual(Array("...".utf8)) {
                blockIndicators = true
                flowIndicators = true
            }
            var index = 0
            while index < value.count {
                let width = GoYAMLEmitter.width(value[index])
                let step = max(width, 1)
                let followedByWhitespace = index + step >= value.count || GoYAMLEmitter.isBlank(value, index + step)
                let byte = value[index]
                if index == 0 {
                    switch byte {
                    case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                        UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
                        UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                        flowIndicators = true
                        blockIndicators = true
                    case UInt8(ascii: "?"), UInt8(ascii: ":"):
                        flowIndicators = true
                        if followedByWhitespace { blockIndicators = true }
                    case UInt8(ascii: "-"):
                        if followedByWhitespace {
                            flowIndicators = true
                            blockIndicators = true
                        }
                    default: break
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: ","), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                        flowIndicators = true
                    case UInt8(ascii: ":"):
                        flowIndicators = true
                        if followedByWhitespace { blockIndicators = true }
                    case UInt8(ascii: "#"):
                        if precededByWhitespace {
                            flowIndicators = true
                            blockIndicators = true
                        }
                    default: break
                    }
                }
                if byte == 0x09 {
                    tabCharacters = true
                } else if !GoYAMLEmitter.isPrintable(value, index) {
                    specialCharacters = true
                }
                if byte == 0x20 {
                    if index == 0 { leadingSpace = true }
                    if index + step == value.count { trailingSpace = true }
                    if previousBreak { breakSpace = true }
                    previousSpace = true
                    previousBreak = false
                } else if GoYAMLEmitter.isBreak(value, index) {
                    lineBreaks = true
                    if index == 0 { leadingBreak = true }
                    if index + step == value.count { trailingBreak = true }
                    if previousSpace { spaceBreak = true }
                    previousSpace = false
                    previousBreak = true
                } else {
                    previousSpace = false
                    previousBreak = false
                }
                precededByWhitespace = GoYAMLEmitter.isBlankOrBreak(value, index)
                index += step
            }
            multiline = lineBreaks
            flowPlainAllowed = true
            blockPlainAllowed = true
            singleQuotedAllowed = true
            blockAllowed = true
            if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
                flowPlainAllowed = false
                blockPlainAllowed = false
            }
            if trailingSpace { blockAllowed = false }
            if breakSpace {
                flowPlainAllowed = false
                blockPlainAllowed = false
                singleQuotedAllowed = false
            }
            if spaceBreak || tabCharacters || specialCharacters {
                flowPlainAllowed = false
                blockPlainAllowed = false
                singleQuotedAllowed = false
            }
            if spaceBreak || specialCharacters { blockAllowed = false }
            if lineBreaks {
                flowPlainAllowed = false
                blockPlainAllowed = false
            }
            if flowIndicators { flowPlainAllowed = false }
            if blockIndicators { blockPlainAllowed = false }
        }
    }

    // MARK: - Character classes (on UTF-8 bytes)

    static func width(_ byte: UInt8) -> Int {
        if byte & 0x80 == 0 { return 1 }
        if byte & 0xE0 == 0xC0 { return 2 }
        if byte & 0xF0 == 0xE0 { return 3 }
        if byte & 0xF8 == 0xF0 { return 4 }
        return 0
    }

    private static func at(_ value: [UInt8], _ index: Int) -> UInt8 { index < value.count ? value[index] : 0 }

    static func isBlank(_ value: [UInt8], _ index: Int) -> Bool {
        let byte = at(value, index)
        return byte == 0x20 || byte == 0x09
    }

    static func isBreak(_ value: [UInt8], _ index: Int) -> Bool {
        let byte = at(value, index)
        return byte == 0x0D || byte == 0x0A || (byte == 0xC2 && at(value, index + 1) == 0x85)
            || (byte == 0xE2 && at(value, index + 1) == 0x80 && (at(value, index + 2) == 0xA8 || at(value, index + 2) == 0xA9))
    }

    static func isBlankOrBreak(_ value: [UInt8], _ index: Int) -> Bool {
        index >= value.count || isBlank(value, index) || isBreak(value, index) || value[index] == 0
    }

    static func isPrintable(_ value: [UInt8], _ index: Int) -> Bool {
        let byte = at(value, index)
        let next = at(value, index + 1)
        let third = at(value, index + 2)
        return byte == 0x0A || (byte >= 0x20 && byte <= 0x7E) || (byte == 0xC2 && next >= 0xA0) || (byte > 0xC2 && byte < 0xED)
            || (byte == 0xED && next < 0xA0) || byte == 0xEE
            || (byte == 0xEF && !(next == 0xBB && third == 0xBF) && !(next == 0xBF && (third == 0xBE || third == 0xBF)))
    }

    // MARK: - State

    private enum State {
        case streamStart, firstDocumentStart, documentStart, documentContent, documentEnd
        case flowSequenceFirstItem, flowSequenceTrailItem, flowSequenceItem
        case flowMappingFirstKey, flowMappingTrailKey, flowMappingKey, flowMappingSimpleValue, flowMappingValue
        case blockSequenceFirstItem, blockSequenceItem
        case blockMappingFirstKey, blockMappingKey, blockMappingSimpleValue, blockMappingValue
        case end
    }

    private let bestIndent: Int
    private var output: [UInt8] = []
    private var events: [Event] = []
    private var head = 0
    private var state: State = .streamStart
    private var states: [State] = []
    private var indent = -1
    private var indents: [Int] = []
    private var flowLevel = 0
    private var rootContext = false
    private var sequenceContext = false
    private var mappingContext = false
    private var simpleKeyContext = false
    private var column = 0
    private var whitespace = true
    private var indention = true
    private var openEnded = false
    private var footIndent = -1
    private var headComment: [UInt8] = []
    private var lineComment: [UInt8] = []
    private var footComment: [UInt8] = []
    private var tailComment: [UInt8] = []
    private var keyLineComment: [UInt8] = []
    private var tagHandle: [UInt8] = []
    private var tagSuffix: [UInt8] = []
    private var scalarValue: [UInt8] = []
    private var analysis = ScalarAnalysis([])
    private var scalarStyle: ScalarStyle = .plain

    init(indent: Int) {
        bestIndent = (2...9).contains(indent) ? indent : 2
    }

    mutating func emit(_ events: [Event]) -> [UInt8] {
        self.events = events
        output = []
        head = 0
        while head < events.count {
            let event = events[head]
            analyze(event)
            dispatch(event)
            head += 1
        }
        return output
    }

    private mutating func analyze(_ event: Event) {
        tagHandle = []
        tagSuffix = []
        scalarValue = []
        if !event.head.isEmpty { headComment = event.head }
        if !event.line.isEmpty { lineComment = event.line }
        if !event.foot.isEmpty { footComment = event.foot }
        if !event.tail.isEmpty { tailComment = event.tail }
        if case .scalar(let value, let tag, _) = event.kind {
            if let tag { analyzeTag(Array(tag.utf8)) }
            scalarValue = value
            analysis = ScalarAnalysis(value)
        }
    }

    private mutating func analyzeTag(_ tag: [UInt8]) {
        let yamlPrefix = Array(GoYAMLResolver.longTagPrefix.utf8)
        if tag.starts(with: [UInt8(ascii: "!")]) {
            tagHandle = [UInt8(ascii: "!")]
            tagSuffix = Array(tag.dropFirst())
        } else if tag.starts(with: yamlPrefix) {
            tagHandle = Array("!!".utf8)
            tagSuffix = Array(tag.dropFirst(yamlPrefix.count))
        } else {
            tagSuffix = tag
        }
    }

    private mutating func dispatch(_ event: Event) {
        switch state {
        case .streamStart:
            indent = -1
            column = 0
            whitespace = true
            indention = true
            footIndent = -1
            state = .firstDocumentStart
        case .firstDocumentStart: documentStart(event, first: true)
        case .documentStart: documentStart(event, first: false)
        case .documentContent: documentContent(event)
        case .documentEnd: documentEnd(event)
        case .flowSequenceFirstItem: flowSequenceItem(event, first: true, trail: false)
        case .flowSequenceTrailItem: flowSequenceItem(event, first: false, trail: true)
        case .flowSequenceItem: flowSequenceItem(event, first: false, trail: false)
        case .flowMappingFirstKey: flowMappingKey(event, first: true, trail: false)
        case .flowMappingTrailKey: flowMappingKey(event, first: false, trail: true)
        case .flowMappingKey: flowMappingKey(event, first: false, trail: false)
        case .flowMappingSimpleValue: flowMappingValue(event, simple: true)
        case .flowMappingValue: flowMappingValue(event, simple: false)
        case .blockSequenceFirstItem: blockSequenceItem(event, first: true)
        case .blockSequenceItem: blockSequenceItem(event, first: false)
        case .blockMappingFirstKey: blockMappingKey(event, first: true)
        case .blockMappingKey: blockMappingKey(event, first: false)
        case .blockMappingSimpleValue: blockMappingValue(event, simple: true)
        case .blockMappingValue: blockMappingValue(event, simple: false)
        case .end: break
        }
    }

    // MARK: - Low-level writing

    private mutating func put(_ byte: UInt8) {
        output.append(byte)
        column += 1
    }

    private mutating func putBreak() {
        output.append(0x0A)
        column = 0
        indention = true
    }

    /// Copies one character (one UTF-8 sequence) and returns its length.
    private mutating func write(_ value: [UInt8], _ index: Int) -> Int {
        let length = max(Self.width(value[index]), 1)
        output.append(contentsOf: value[index..<min(index + length, value.count)])
        column += 1
        return length
    }

    private mutating func writeAll(_ value: [UInt8]) {
        var index = 0
        while index < value.count { index += write(value, index) }
    }

    private mutating func writeBreak(_ value: [UInt8], _ index: Int) -> Int {
        if value[index] == 0x0A {
            putBreak()
            return 1
        }
        let length = write(value, index)
        column = 0
        indention = true
        return length
    }

    private mutating func writeIndent() {
        let target = max(indent, 0)
        if !indention || column > target || (column == target && !whitespace) {
            putBreak()
        }
        if footIndent == target { putBreak() }
        while column < target { put(0x20) }
        whitespace = true
        footIndent = -1
    }

    private mutating func writeIndicator(_ indicator: String, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
        if needWhitespace && !whitespace { put(0x20) }
        writeAll(Array(indicator.utf8))
        whitespace = isWhitespace
        indention = indention && isIndention
        openEnded = false
    }

    private mutating func increaseIndent(flow: Bool, indentless: Bool) {
        indents.append(indent)
        if indent < 0 {
            indent = flow ? bestIndent : 0
        } else if !indentless {
            if states.last == .blockSequenceItem {
                indent += 2
            } else {
                indent = bestIndent * ((indent + bestIndent) / bestIndent)
            }
        }
    }

    private mutating func popIndent() {
        indent = indents.removeLast()
    }

    private mutating func popState() {
        state = states.removeLast()
    }

    // MARK: - Comments

    private mutating func writeComment(_ comment: [UInt8]) {
        var breaks = false
        var pound = false
        var index = 0
        while index < comment.count {
            if Self.isBreak(comment, index) {
                index += writeBreak(comment, index)
                breaks = true
                pound = false
            } else {
                if breaks { writeIndent() }
                if !pound {
                    if comment[index] != UInt8(ascii: "#") {
                        put(UInt8(ascii: "#"))
                        put(0x20)
                    }
                    pound = true
                }
                index += write(comment, index)
                indention = false
                breaks = false
            }
        }
        if !breaks { putBreak() }
        whitespace = true
    }

    private mutating func processHeadComment() {
        if !tailComment.isEmpty {
            writeIndent()
            writeComment(tailComment)
            tailComment = []
            footIndent = max(indent, 0)
        }
        guard !headComment.isEmpty else { return }
        writeIndent()
        writeComment(headComment)
        headComment = []
    }

    private mutating func processLineComment(linebreak: Bool = false) {
        guard !lineComment.isEmpty else {
            if linebreak { putBreak() }
            return
        }
        if !whitespace { put(0x20) }
        writeComment(lineComment)
        lineComment = []
    }

    private mutating func processFootComment() {
        guard !footComment.isEmpty else { return }
        writeIndent()
        writeComment(footComment)
        footComment = []
        footIndent = max(indent, 0)
    }

    // MARK: - Documents

    private mutating func documentStart(_ event: Event, first: Bool) {
        switch event.kind {
        case .documentStart(let eventImplicit):
            let implicit = eventImplicit && first
            if !implicit {
                writeIndent()
                writeIndicator("---", needWhitespace: true, isWhitespace: false, isIndention: false)
                writeIndent()
            }
            if !headComment.isEmpty {
                processHeadComment()
                putBreak()
            }
            state = .documentContent
        case .streamEnd:
            state = .end
        default:
            break
        }
    }

    private mutating func documentContent(_ event: Event) {
        states.append(.documentEnd)
        processHeadComment()
        emitNode(event, root: true, sequence: false, mapping: false, simpleKey: false)
        processLineComment()
        processFootComment()
    }

    private mutating func documentEnd(_ event: Event) {
        guard case .documentEnd(let implicit) = event.kind else { return }
        footIndent = 0
        processFootComment()
        footIndent = -1
        writeIndent()
        if !implicit {
            writeIndicator("...", needWhitespace: true, isWhitespace: false, isIndention: false)
            writeIndent()
        }
        state = .documentStart
    }

    // MARK: - Collections

    private func nextIsEnd(ofSequence: Bool) -> Bool {
        guard head + 1 < events.count else { return false }
        switch (events[head].kind, events[head + 1].kind) {
        case (.sequenceStart, .sequenceEnd): return ofSequence
        case (.mappingStart, .mappingEnd): return !ofSequence
        default: return false
        }
    }

    private mutating func flowSequenceItem(_ event: Event, first: Bool, trail: Bool) {
        if first {
            writeIndicator("[", needWhitespace: true, isWhitespace: true, isIndention: false)
            increaseIndent(flow: true, indentless: false)
            flowLevel += 1
        }
        if case .sequenceEnd = event.kind {
            flowLevel -= 1
            popIndent()
            if column == 0 { writeIndent() }
            writeIndicator("]", needWhitespace: false, isWhitespace: false, isIndention: false)
            processLineComment()
            processFootComment()
            popState()
            return
        }
        if !first && !trail { writeIndicator(",", needWhitespace: false, isWhitespace: false, isIndention: false) }
        processHeadComment()
        if column == 0 { writeIndent() }
        let hasComments = !lineComment.isEmpty || !footComment.isEmpty || !tailComment.isEmpty
        states.append(hasComments ? .flowSequenceTrailItem : .flowSequenceItem)
        emitNode(event, root: false, sequence: true, mapping: false, simpleKey: false)
        if !lineComment.isEmpty || !footComment.isEmpty || !tailComment.isEmpty {
            writeIndicator(",", needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        processLineComment()
        processFootComment()
    }

    private mutating func flowMappingKey(_ event: Event, first: Bool, trail: Bool) {
        if first {
            writeIndicator("{", needWhitespace: true, isWhitespace: true, isIndention: false)
            increaseIndent(flow: true, indentless: false)
            flowLevel += 1
        }
        if case .mappingEnd = event.kind {
            if (!headComment.isEmpty || !footComment.isEmpty || !tailComment.isEmpty) && !first && !trail {
                writeIndicator(",", needWhitespace: false, isWhitespace: false, isIndention: false)
            }
            processHeadComment()
            flowLevel -= 1
            popIndent()
            writeIndicator("}", needWhitespace: false, isWhitespace: false, isIndention: false)
            processLineComment()
            processFootComment()
            popState()
            return
        }
        if !first && !trail { writeIndicator(",", needWhitespace: false, isWhitespace: false, isIndention: false) }
        processHeadComment()
        if column == 0 { writeIndent() }
        if checkSimpleKey() {
            states.append(.flowMappingSimpleValue)
            emitNode(event, root: false, sequence: false, mapping: true, simpleKey: true)
            return
        }
        writeIndicator("?", needWhitespace: true, isWhitespace: false, isIndention: false)
        states.append(.flowMappingValue)
        emitNode(event, root: false, sequence: false, mapping: true, simpleKey: false)
    }

    private mutating func flowMappingValue(_ event: Event, simple: Bool) {
        writeIndicator(":", needWhitespace: !simple, isWhitespace: false, isIndention: false)
        let hasComments = !lineComment.isEmpty || !footComment.isEmpty || !tailComment.isEmpty
        states.append(hasComments ? .flowMappingTrailKey : .flowMappingKey)
        emitNode(event, root: false, sequence: false, mapping: true, simpleKey: false)
        if !lineComment.isEmpty || !footComment.isEmpty || !tailComment.isEmpty {
            writeIndicator(",", needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        processLineComment()
        processFootComment()
    }

    private mutating func blockSequenceItem(_ event: Event, first: Bool) {
        if first { increaseIndent(flow: false, indentless: false) }
        if case .sequenceEnd = event.kind {
            popIndent()
            popState()
            return
        }
        processHeadComment()
        writeIndent()
        writeIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
        states.append(.blockSequenceItem)
        emitNode(event, root: false, sequence: true, mapping: false, simpleKey: false)
        processLineComment()
        processFootComment()
    }

    private mutating func blockMappingKey(_ event: Event, first: Bool) {
        if first { increaseIndent(flow: false, indentless: false) }
        processHeadComment()
        if case .mappingEnd = event.kind {
            popIndent()
            popState()
            return
        }
        writeIndent()
        if !lineComment.isEmpty {
            keyLineComment = lineComment
            lineComment = []
        }
        if checkSimpleKey() {
            states.append(.blockMappingSimpleValue)
            emitNode(event, root: false, sequence: false, mapping: true, simpleKey: true)
            return
        }
        writeIndicator("?", needWhitespace: true, isWhitespace: false, isIndention: true)
        states.append(.blockMappingValue)
        emitNode(event, root: false, sequence: false, mapping: true, simpleKey: false)
    }

    private mutating func blockMappingValue(_ event: Event, simple: Bool) {
        if simple {
            writeIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
        } else {
            writeIndent()
            writeIndicator(":", needWhitespace: true, isWhitespace: false, isIndention: true)
        }
        if !keyLineComment.isEmpty {
            switch event.kind {
            case .scalar:
                if lineComment.isEmpty {
                    lineComment = keyLineComment
                    keyLineComment = []
                }
            case .mappingStart, .sequenceStart(flow: false):
                swap(&lineComment, &keyLineComment)
                processLineComment()
                swap(&lineComment, &keyLineComment)
            default: break
            }
        }
        states.append(.blockMappingKey)
        emitNode(event, root: false, sequence: false, mapping: true, simpleKey: false)
        processLineComment()
        processFootComment()
    }

    private mutating func checkSimpleKey() -> Bool {
        switch events[head].kind {
        case .scalar:
            if analysis.multiline { return false }
            return tagHandle.count + tagSuffix.count + scalarValue.count <= 128
        case .sequenceStart: return nextIsEnd(ofSequence: true)
        case .mappingStart: return nextIsEnd(ofSequence: false)
        default: return false
        }
    }

    // MARK: - Nodes

    private mutating func emitNode(_ event: Event, root: Bool, sequence: Bool, mapping: Bool, simpleKey: Bool) {
        rootContext = root
        sequenceContext = sequence
        mappingContext = mapping
        simpleKeyContext = simpleKey
        switch event.kind {
        case .scalar(_, _, let style):
            selectScalarStyle(style)
            processTag()
            increaseIndent(flow: true, indentless: false)
            processScalar()
            popIndent()
            popState()
        case .sequenceStart(let flow):
            processTag()
            state = flowLevel > 0 || flow || nextIsEnd(ofSequence: true) ? .flowSequenceFirstItem : .blockSequenceFirstItem
        case .mappingStart(let flow):
            processTag()
            state = flowLevel > 0 || flow || nextIsEnd(ofSequence: false) ? .flowMappingFirstKey : .blockMappingFirstKey
        default:
            break
        }
    }

    private mutating func selectScalarStyle(_ requested: ScalarStyle) {
        var style = requested
        if simpleKeyContext && analysis.multiline { style = .doubleQuoted }
        if style == .plain {
            if (flowLevel > 0 && !analysis.flowPlainAllowed) || (flowLevel == 0 && !analysis.blockPlainAllowed) {
                style = .singleQuoted
            }
            if scalarValue.isEmpty && (flowLevel > 0 || simpleKeyContext) { style = .singleQuoted }
        }
        if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal && (!analysis.blockAllowed || flowLevel > 0 || simpleKeyContext) { style = .doubleQuoted }
        scalarStyle = style
    }

    private mutating func processTag() {
        guard !tagHandle.isEmpty || !tagSuffix.isEmpty else { return }
        if !tagHandle.isEmpty {
            if !whitespace { put(0x20) }
            writeAll(tagHandle)
            whitespace = false
            indention = false
            if !tagSuffix.isEmpty { writeTagContent(tagSuffix) }
        } else {
            writeIndicator("!<", needWhitespace: true, isWhitespace: false, isIndention: false)
            writeTagContent(tagSuffix)
            writeIndicator(">", needWhitespace: false, isWhitespace: false, isIndention: false)
        }
    }

    private mutating func writeTagContent(_ value: [UInt8]) {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        for byte in value {
            let isAlpha = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            if isAlpha || ";/?:@&=+$,_.~*'()[]".utf8.contains(byte) {
                put(byte)
            } else {
                put(UInt8(ascii: "%"))
                put(hexDigits[Int(byte >> 4)])
                put(hexDigits[Int(byte & 0x0F)])
            }
        }
        whitespace = false
        indention = false
    }

    private mutating func processScalar() {
        switch scalarStyle {
        case .plain: writePlain(scalarValue)
        case .singleQuoted: writeSingleQuoted(scalarValue)
        case .doubleQuoted: writeDoubleQuoted(scalarValue)
        case .literal: writeLiteral(scalarValue)
        }
    }

    private mutating func writePlain(_ value: [UInt8]) {
        if !value.isEmpty && !whitespace { put(0x20) }
        var index = 0
        var breaks = false
        while index < value.count {
            if value[index] == 0x20 {
                index += write(value, index)
            } else if Self.isBreak(value, index) {
                if !breaks && value[index] == 0x0A { putBreak() }
                index += writeBreak(value, index)
                breaks = true
            } else {
                if breaks { writeIndent() }
                index += write(value, index)
                indention = false
                breaks = false
            }
        }
        if !value.isEmpty { whitespace = false }
        indention = false
        if rootContext { openEnded = true }
    }

    private mutating func writeSingleQuoted(_ value: [UInt8]) {
        writeIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        var index = 0
        var breaks = false
        while index < value.count {
            if value[index] == 0x20 {
                index += write(value, index)
            } else if Self.isBreak(value, index) {
                if !breaks && value[index] == 0x0A { putBreak() }
                index += writeBreak(value, index)
                breaks = true
            } else {
                if breaks { writeIndent() }
                if value[index] == UInt8(ascii: "'") { put(UInt8(ascii: "'")) }
                index += write(value, index)
                indention = false
                breaks = false
            }
        }
        writeIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeDoubleQuoted(_ value: [UInt8]) {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        let startsWithBOM = value.count >= 3 && value[0] == 0xEF && value[1] == 0xBB && value[2] == 0xBF
        writeIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false)
        var index = 0
        while index < value.count {
            let byte = value[index]
            if !Self.isPrintable(value, index) || startsWithBOM || Self.isBreak(value, index) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                let width = max(Self.width(byte), 1)
                var scalar: UInt32
                switch width {
                case 2: scalar = UInt32(byte & 0x1F)
                case 3: scalar = UInt32(byte & 0x0F)
                case 4: scalar = UInt32(byte & 0x07)
                default: scalar = UInt32(byte & 0x7F)
                }
                for offset in 1..<width where index + offset < value.count {
                    scalar = (scalar << 6) + UInt32(value[index + offset] & 0x3F)
                }
                index += width
                put(UInt8(ascii: "\\"))
                switch scalar {
                case 0x00: put(UInt8(ascii: "0"))
                case 0x07: put(UInt8(ascii: "a"))
                case 0x08: put(UInt8(ascii: "b"))
                case 0x09: put(UInt8(ascii: "t"))
                case 0x0A: put(UInt8(ascii: "n"))
                case 0x0B: put(UInt8(ascii: "v"))
                case 0x0C: put(UInt8(ascii: "f"))
                case 0x0D: put(UInt8(ascii: "r"))
                case 0x1B: put(UInt8(ascii: "e"))
                case 0x22: put(UInt8(ascii: "\""))
                case 0x5C: put(UInt8(ascii: "\\"))
                case 0x85: put(UInt8(ascii: "N"))
                case 0xA0: put(UInt8(ascii: "_"))
                case 0x2028: put(UInt8(ascii: "L"))
                case 0x2029: put(UInt8(ascii: "P"))
                default:
                    let digits: Int
                    if scalar <= 0xFF {
                        put(UInt8(ascii: "x"))
                        digits = 2
                    } else if scalar <= 0xFFFF {
                        put(UInt8(ascii: "u"))
                        digits = 4
                    } else {
                        put(UInt8(ascii: "U"))
                        digits = 8
                    }
                    for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                        put(hexDigits[Int((scalar >> UInt32(shift)) & 0x0F)])
                    }
                }
            } else {
                index += write(value, index)
            }
        }
        writeIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeBlockScalarHints(_ value: [UInt8]) {
        if value.first == 0x20 || Self.isBreak(value, 0) {
            writeIndicator(String(bestIndent), needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        openEnded = false
        var chomp: String?
        if value.isEmpty {
            chomp = "-"
        } else {
            var index = value.count - 1
            while index > 0, value[index] & 0xC0 == 0x80 { index -= 1 }
            if !Self.isBreak(value, index) {
                chomp = "-"
            } else if index == 0 {
                chomp = "+"
                openEnded = true
            } else {
                index -= 1
                while index > 0, value[index] & 0xC0 == 0x80 { index -= 1 }
                if Self.isBreak(value, index) {
                    chomp = "+"
                    openEnded = true
                }
            }
        }
        if let chomp { writeIndicator(chomp, needWhitespace: false, isWhitespace: false, isIndention: false) }
    }

    private mutating func writeLiteral(_ value: [UInt8]) {
        writeIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        writeBlockScalarHints(value)
        processLineComment(linebreak: true)
        whitespace = true
        var breaks = true
        var index = 0
        while index < value.count {
            if Self.isBreak(value, index) {
                index += writeBreak(value, index)
                breaks = true
            } else {
                if breaks { writeIndent() }
                index += write(value, index)
                indention = false
                breaks = false
            }
        }
    }
}
