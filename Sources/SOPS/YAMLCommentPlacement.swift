import YAML

/// Builds sops trees from a parsed YAML stream and puts each comment where go-yaml v3 + sops put it.
///
/// libyaml drops comments, so they come back lexically with positions. A comment on its own line
/// belongs to the innermost block collection it is indented into (its column is at least the
/// collection's column), after the entries that start before it; a comment after content on the
/// same line (go-yaml's "line comment") is placed just before the deepest entry that starts on that
/// line — sops turns line comments into comment items ahead of their entry. Within one slot,
/// comments keep file order. Known limits: comments inside flow collections attach to the enclosing
/// block collection, and entries produced by alias expansion carry no comments of their own.
struct YAMLCommentPlacement {
    private let stream: YAMLStream
    /// Comments per document, per container path, per insertion index.
    private var slots: [Int: [[Int]: [Int: [Comment]]]] = [:]

    /// A comment with its position (the YAML target's `YAMLComment`, plus block-scalar header comments).
    struct Comment {
        var text: String
        var start: YAMLMark
        var ownsLine: Bool
    }

    init(stream: YAMLStream, bytes: [UInt8]) {
        self.stream = stream
        let lexical = stream.comments.map { Comment(text: $0.text, start: $0.start, ownsLine: $0.ownsLine) }
        for comment in lexical + Self.blockScalarHeaderComments(stream, bytes: bytes) {
            let document = Self.document(for: comment, in: stream.documents)
            guard stream.documents.indices.contains(document) else { continue }
            let root = stream.documents[document].root
            var target: (path: [Int], index: Int)?
            if let root, !comment.ownsLine {
                target = Self.lineTarget(line: comment.start.line, offset: comment.start.characterOffset, in: root, path: [])
            }
            if target == nil {
                if let root {
                    target = Self.positionTarget(comment, in: root, path: [])
                } else {
                    target = ([], 0)
                }
            }
            guard let target else { continue }
            slots[document, default: [:]][target.path, default: [:]][target.index, default: []].append(comment)
        }
    }

    private static func document(for comment: Comment, in documents: [YAMLDocument]) -> Int {
        var chosen = 0
        for (index, document) in documents.enumerated() where document.start.characterOffset <= comment.start.characterOffset {
            chosen = index
        }
        return chosen
    }

    /// The entries of a collection: where each starts and the node holding its value.
    private static func entries(_ node: YAMLNode) -> [(start: YAMLMark, value: YAMLNode)] {
        switch node.content {
        case .mapping(let pairs): return pairs.map { ($0.key.start, $0.value) }
        case .sequence(let items): return items.map { ($0.start, $0) }
        case .scalar: return []
        }
    }

    private static func isBlockCollection(_ node: YAMLNode) -> Bool {
        if case .scalar = node.content { return false }
        return !node.isFlow
    }

    /// Where a full-line comment goes: descend while it is indented into a block collection value.
    private static func positionTarget(_ comment: Comment, in container: YAMLNode, path: [Int]) -> (path: [Int], index: Int) {
        let offset = comment.start.characterOffset
        let children = entries(container)
        var before = 0
        var lastStart = -1
        for child in children {
            // Entries copied from an anchor keep the anchor's (earlier) position: keep them in order.
            let start = max(child.start.characterOffset, lastStart)
            if start < offset { before += 1 } else { break }
            lastStart = start
        }
        if before > 0 {
            let child = children[before - 1]
            let value = child.value
            let isOwnValue: Bool
            if case .mapping = container.content {
                isOwnValue = value.start.characterOffset >= child.start.characterOffset
            } else {
                isOwnValue = value.start.characterOffset >= lastStart
            }
            if isOwnValue, isBlockCollection(value), comment.start.column >= value.start.column {
                return positionTarget(comment, in: value, path: path + [before - 1])
            }
        }
        return (path, before)
    }

    /// The last line a node occupies (a node whose end mark is at the start of a line ended on the line before).
    private static func lastLine(_ node: YAMLNode) -> Int {
        if node.end.column == 1 && node.end.line > node.start.line { return node.end.line - 1 }
        return max(node.end.line, node.start.line)
    }

    private static func isFlowCollection(_ node: YAMLNode) -> Bool {
        if case .scalar = node.content { return false }
        return node.isFlow
    }

    /// Where a comment that follows content on its line goes (go-yaml's "line comment", which sops
    /// turns into a comment item ahead of its entry): before the deepest entry starting on that line
    /// or whose scalar ends there; at the start of a flow collection that is a mapping value ending there.
    private static func lineTarget(line: Int, offset: Int, in container: YAMLNode, path: [Int]) -> (path: [Int], index: Int)? {
        guard isBlockCollection(container) else { return nil }
        var isMapping = false
        if case .mapping = container.content { isMapping = true }
        for (index, child) in entries(container).enumerated() {
            guard child.start.characterOffset < offset else { break }
            let value = child.value
            let startLine = child.start.line
            let endLine = max(lastLine(value), startLine)
            guard startLine == line || (startLine < line && line <= endLine) else { continue }
            let isOwnValue = value.start.characterOffset >= child.start.characterOffset
            if isOwnValue, isBlockCollection(value), value.start.line <= line,
                let deeper = lineTarget(line: line, offset: offset, in: value, path: path + [index])
            {
                return deeper
            }
            if isMapping, isOwnValue, isFlowCollection(value), lastLine(value) == line {
                return (path + [index], 0)
            }
            if startLine == line || !isBlockCollection(value) { return (path, index) }
        }
        return nil
    }

    /// Comments on the header line of block scalars (`key: | # note`), which the lexical scan
    /// counts as part of the scalar.
    private static func blockScalarHeaderComments(_ stream: YAMLStream, bytes: [UInt8]) -> [Comment] {
        var lineStarts: [Int] = [0, 0]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                lineStarts.append(index + 1)
            }
            index += 1
        }
        var found: [Comment] = []
        func visit(_ node: YAMLNode) {
            switch node.content {
            case .mapping(let pairs):
                for pair in pairs {
                    visit(pair.key)
                    if pair.value.start.characterOffset >= pair.key.start.characterOffset { visit(pair.value) }
                }
            case .sequence(let items):
                for item in items { visit(item) }
            case .scalar(_, let style):
                guard style == .literal || style == .folded, node.start.line < lineStarts.count else { return }
                var position = lineStarts[node.start.line]
                var column = 1
                while column < node.start.column, position < bytes.count {
                    if bytes[position] & 0xC0 != 0x80 { column += 1 }
                    position += 1
                    while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
                }
                var characters = 0
                func advance() {
                    position += 1
                    characters += 1
                }
                while position < bytes.count, bytes[position] != UInt8(ascii: "|"), bytes[position] != UInt8(ascii: ">"),
                    bytes[position] != 0x0A, bytes[position] != 0x0D
                {
                    advance()
                }
                guard position < bytes.count, bytes[position] == UInt8(ascii: "|") || bytes[position] == UInt8(ascii: ">") else { return }
                advance()
                while position < bytes.count, "123456789+-".utf8.contains(bytes[position]) { advance() }
                let blankStart = position
                while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { advance() }
                guard position > blankStart, position < bytes.count, bytes[position] == UInt8(ascii: "#") else { return }
                var end = position + 1
                while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                let text = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
                found.append(Comment(
                    text: text,
                    start: YAMLMark(line: node.start.line, column: node.start.column + characters,
                        characterOffset: node.start.characterOffset + characters),
                    ownsLine: false))
            }
        }
        for document in stream.documents {
            if let root = document.root { visit(root) }
        }
        return found
    }

    private func comments(_ document: Int, _ path: [Int], _ index: Int) -> [SOPSMappingItem] {
        (slots[document]?[path]?[index] ?? []).sorted { $0.start.characterOffset < $1.start.characterOffset }
            .map { .comment(Array($0.text.utf8)) }
    }

    /// The sops branch of one document.
    func branch(document: Int) throws(SOPSError) -> [SOPSMappingItem] {
        guard let root = stream.documents[document].root else {
            return comments(document, [], 0)
        }
        switch root.content {
        case .mapping:
            return try mapping(root, document: document, path: [])
        case .sequence:
            throw SOPSError(.malformedFile, "YAML documents that are sequences are not supported")
        case .scalar:
            if case .null = YAMLStore.decodeScalar(root) { return comments(document, [], 0) }
            throw SOPSError(.malformedFile, "YAML documents that are values are not supported")
        }
    }

    private func mapping(_ node: YAMLNode, document: Int, path: [Int]) throws(SOPSError) -> [SOPSMappingItem] {
        guard case .mapping(let pairs) = node.content else { return [] }
        var items: [SOPSMappingItem] = []
        for (index, pair) in pairs.enumerated() {
            items += comments(document, path, index)
            items.append(SOPSMappingItem(key: YAMLStore.key(pair.key), value: try value(pair.value, document: document, path: path + [index])))
        }
        items += comments(document, path, pairs.count)
        return items
    }

    private func value(_ node: YAMLNode, document: Int, path: [Int]) throws(SOPSError) -> SOPSNode {
        switch node.content {
        case .scalar:
            return YAMLStore.decodeScalar(node)
        case .mapping:
            return .mapping(try mapping(node, document: document, path: path))
        case .sequence(let elements):
            var items: [SOPSNode] = []
            for (index, element) in elements.enumerated() {
                items += comments(document, path, index).map { item -> SOPSNode in
                    if case .comment(let text) = item.key { return .comment(text) }
                    return .null
                }
                items.append(try value(element, document: document, path: path + [index]))
            }
            items += comments(document, path, elements.count).map { item -> SOPSNode in
                if case .comment(let text) = item.key { return .comment(text) }
                return .null
            }
            return .sequence(items)
        }
    }
}
