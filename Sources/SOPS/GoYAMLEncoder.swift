/// Turns sops trees into go-yaml v3 emitter events the way sops' YAML store does: comment items
/// become head comments of the next key or item (the collection's head comment before the first
/// one, the last key's or item's foot comment after the last), scalars get the style go-yaml's
/// `Node.Encode` gives them (encode, then re-parse), and documents are written with indent 4.
enum GoYAMLEncoder {
    /// A node as sops builds it before encoding.
    indirect enum Node {
        case mapping(head: [UInt8], pairs: [(key: Node, value: Node)], foot: [UInt8])
        case sequence(head: [UInt8], items: [Node], foot: [UInt8])
        case scalar(value: [UInt8], tag: String?, style: GoYAMLEmitter.ScalarStyle, head: [UInt8], foot: [UInt8])

        var foot: [UInt8] {
            switch self {
            case .mapping(_, _, let foot), .sequence(_, _, let foot), .scalar(_, _, _, _, let foot): return foot
            }
        }

        func withHead(_ comments: [[UInt8]]) -> Node {
            guard !comments.isEmpty else { return self }
            let text = GoYAMLEncoder.commentText(comments)
            switch self {
            case .mapping(let head, let pairs, let foot):
                return .mapping(head: head.isEmpty ? text : text + [0x0A] + head, pairs: pairs, foot: foot)
            case .sequence(let head, let items, let foot):
                return .sequence(head: head.isEmpty ? text : text + [0x0A] + head, items: items, foot: foot)
            case .scalar(let value, let tag, let style, let head, let foot):
                return .scalar(value: value, tag: tag, style: style, head: head.isEmpty ? text : text + [0x0A] + head, foot: foot)
            }
        }

        func withFoot(_ comments: [[UInt8]]) -> Node {
            guard !comments.isEmpty else { return self }
            let text = GoYAMLEncoder.commentText(comments)
            switch self {
            case .mapping(let head, let pairs, let foot):
                return .mapping(head: head, pairs: pairs, foot: foot.isEmpty ? text : foot + [0x0A] + text)
            case .sequence(let head, let items, let foot):
                return .sequence(head: head, items: items, foot: foot.isEmpty ? text : foot + [0x0A] + text)
            case .scalar(let value, let tag, let style, let head, let foot):
                return .scalar(value: value, tag: tag, style: style, head: head, foot: foot.isEmpty ? text : foot + [0x0A] + text)
            }
        }
    }

    /// `"#" + strings.Join(comments, "\n#")`.
    static func commentText(_ comments: [[UInt8]]) -> [UInt8] {
        var text: [UInt8] = [UInt8(ascii: "#")]
        for (index, comment) in comments.enumerated() {
            if index > 0 { text += [0x0A, UInt8(ascii: "#")] }
            text += comment
        }
        return text
    }

    static func encode(_ branches: SOPSBranches) throws(SOPSError) -> [UInt8] {
        var events: [GoYAMLEmitter.Event] = [.init(.streamStart)]
        for branch in branches {
            events.append(.init(.documentStart(implicit: true)))
            appendEvents(for: try mappingNode(branch), tail: [], into: &events)
            events.append(.init(.documentEnd(implicit: true)))
        }
        events.append(.init(.streamEnd))
        var emitter = GoYAMLEmitter(indent: 4)
        return emitter.emit(events)
    }

    // MARK: - Tree to nodes (sops' appendTreeBranch / appendSequence / treeValueToNode)

    static func mappingNode(_ items: [SOPSMappingItem]) throws(SOPSError) -> Node {
        var pairs: [(key: Node, value: Node)] = []
        var head: [UInt8] = []
        var pending: [[UInt8]] = []
        var beginning = true
        for item in items {
            if case .comment(let text) = item.key {
                pending.append(text)
                continue
            }
            if beginning {
                if !pending.isEmpty { head = commentText(pending) }
                pending = []
                beginning = false
            }
            let keyNode: Node
            switch item.key {
            case .string(let bytes): keyNode = scalarNode(.string(bytes))
            case .nonString(let description):
                throw SOPSError(.cannotEmit, "cannot write the non-string key \(description) in YAML")
            case .comment: continue
            }
            pairs.append((keyNode.withHead(pending), try node(item.value)))
            pending = []
        }
        if !pending.isEmpty {
            if beginning {
                head = commentText(pending)
            } else {
                pairs[pairs.count - 1].key = pairs[pairs.count - 1].key.withFoot(pending)
            }
        }
        return .mapping(head: head, pairs: pairs, foot: [])
    }

    static func sequenceNode(_ elements: [SOPSNode]) throws(SOPSError) -> Node {
        var items: [Node] = []
        var head: [UInt8] = []
        var pending: [[UInt8]] = []
        var beginning = true
        for element in elements {
            if case .comment(let text) = element {
                pending.append(text)
                continue
            }
            if beginning {
                if !pending.isEmpty { head = commentText(pending) }
                pending = []
                beginning = false
            }
            items.append(try node(element).withHead(pending))
            pending = []
        }
        if !pending.isEmpty {
            if beginning {
                head = commentText(pending)
            } else {
                items[items.count - 1] = items[items.count - 1].withFoot(pending)
            }
        }
        return .sequence(head: head, items: items, foot: [])
    }

    static func node(_ value: SOPSNode) throws(SOPSError) -> Node {
        switch value {
        case .mapping(let items): return try mappingNode(items)
        case .sequence(let items): return try sequenceNode(items)
        case .bytes(let bytes):
            // go-yaml encodes a []byte as a sequence of integers.
            return .sequence(head: [], items: bytes.map { scalarNode(.integer(Int64($0))) }, foot: [])
        case .comment(let text):
            // Go encodes the sops.Comment struct as a mapping of its exported field.
            return .mapping(head: [], pairs: [(scalarNode(.text("value")), scalarNode(.string(text)))], foot: [])
        default: return scalarNode(value)
        }
    }

    /// The scalar `Node.Encode(v)` yields: go-yaml's text for the value and the style it ends up with
    /// after one round through the emitter (plain that cannot stay plain becomes single-quoted, then
    /// double-quoted; a literal block that cannot be one becomes double-quoted).
    static func scalarNode(_ value: SOPSNode) -> Node {
        func plain(_ text: String) -> Node { .scalar(value: Array(text.utf8), tag: nil, style: .plain, head: [], foot: []) }
        switch value {
        case .string(let bytes):
            guard GoText.isValidUTF8(bytes) else {
                let encoded = encodeBase64Lines(bytes)
                let style: GoYAMLEmitter.ScalarStyle = encoded.contains(0x0A) ? .literal : .plain
                return .scalar(value: encoded, tag: GoYAMLResolver.longTagPrefix + "binary", style: style, head: [], foot: [])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let analysis = GoYAMLEmitter.ScalarAnalysis(bytes)
            var style: GoYAMLEmitter.ScalarStyle
            if bytes.contains(0x0A) {
                style = analysis.blockAllowed ? .literal : .doubleQuoted
            } else if GoYAMLResolver.canUsePlain(text) {
                style = .plain
                if !analysis.blockPlainAllowed { style = analysis.singleQuotedAllowed ? .singleQuoted : .doubleQuoted }
            } else {
                style = .doubleQuoted
            }
            // A plain "<<" reads back with the merge tag, which go-yaml then writes out explicitly.
            let tag: String? = style == .plain && text == "<<" ? GoYAMLResolver.longTagPrefix + "merge" : nil
            return .scalar(value: bytes, tag: tag, style: style, head: [], foot: [])
        case .integer(let number): return plain(String(number))
        case .unsignedInteger(let number): return plain(String(number))
        case .float(let number): return plain(GoNumberText.formatYAMLFloat(number))
        case .bool(let flag): return plain(flag ? "true" : "false")
        case .time(let time): return plain(time.marshalText ?? time.rfc3339)
        case .null: return plain("null")
        case .bytes(let bytes): return .scalar(value: bytes, tag: nil, style: .doubleQuoted, head: [], foot: [])
        case .comment(let text): return .scalar(value: text, tag: nil, style: .doubleQuoted, head: [], foot: [])
        case .mapping, .sequence: return plain("")
        }
    }

    /// go-yaml's `encodeBase64` for `!!binary`: 70-column lines, each ending in a line break when there are several.
    static func encodeBase64Lines(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(GoBase64.encodeStandard(bytes).utf8)
        let lineLength = 70
        let lines = encoded.count / lineLength + 1
        var output: [UInt8] = []
        var index = 0
        while index < encoded.count {
            let end = min(index + lineLength, encoded.count)
            output += encoded[index..<end]
            if lines > 1 { output.append(0x0A) }
            index = end
        }
        return output
    }

    // MARK: - Nodes to events (go-yaml's encoder.node)

    static func appendEvents(for node: Node, tail: [UInt8], into events: inout [GoYAMLEmitter.Event]) {
        switch node {
        case .mapping(let head, let pairs, let foot):
            var start = GoYAMLEmitter.Event(.mappingStart(flow: false))
            start.head = head
            start.tail = tail
            events.append(start)
            var pendingTail: [UInt8] = []
            for pair in pairs {
                let keyFoot = pair.key.foot
                var key = pair.key
                if !keyFoot.isEmpty, case .scalar(let value, let tag, let style, let head, _) = key {
                    key = .scalar(value: value, tag: tag, style: style, head: head, foot: [])
                }
                appendEvents(for: key, tail: pendingTail, into: &events)
                pendingTail = keyFoot
                appendEvents(for: pair.value, tail: [], into: &events)
            }
            var end = GoYAMLEmitter.Event(.mappingEnd)
            end.tail = pendingTail
            end.foot = foot
            events.append(end)
        case .sequence(let head, let items, let foot):
            var start = GoYAMLEmitter.Event(.sequenceStart(flow: false))
            start.head = head
            events.append(start)
            for item in items { appendEvents(for: item, tail: [], into: &events) }
            var end = GoYAMLEmitter.Event(.sequenceEnd)
            end.foot = foot
            events.append(end)
        case .scalar(let value, let tag, let style, let head, let foot):
            var event = GoYAMLEmitter.Event(.scalar(value: value, tag: tag, style: style))
            event.head = head
            event.foot = foot
            event.tail = tail
            events.append(event)
        }
    }
}
