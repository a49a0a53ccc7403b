/// The flattened metadata of the dotenv (`sops_age__list_0__map_enc=…`) and INI (`[sops]` section)
/// stores: path segments joined with `__map_<key>` and `__list_<index>`, values strings with
/// newlines written as the two characters `\n`.
enum FlattenedMetadata {
    private static let mapSeparator = Array("__map_".utf8)
    private static let listSeparator = Array("__list_".utf8)

    private enum Token: Equatable {
        case key(String)
        case index(Int)
    }

    /// Splits a flattened key into its path, as sops' `tokenize` does (a bad index reads as 0).
    private static func tokenize(_ path: String) -> [Token] {
        let bytes = Array(path.utf8)
        var tokens: [Token] = []
        var state = 0  // 0: first segment, 1: map segment, 2: list segment
        var segmentStart = 0
        var index = 0
        func finish(_ end: Int) {
            switch state {
            case 1: tokens.append(.key(String(decoding: bytes[(segmentStart + mapSeparator.count)..<end], as: UTF8.self)))
            case 2:
                let text = String(decoding: bytes[(segmentStart + listSeparator.count)..<end], as: UTF8.self)
                tokens.append(.index(GoNumberText.atoi(text).map { Int(clamping: $0) } ?? 0))
            default: tokens.append(.key(String(decoding: bytes[segmentStart..<end], as: UTF8.self)))
            }
            segmentStart = end
        }
        while index < bytes.count {
            if bytes[index...].starts(with: mapSeparator) {
                finish(index)
                state = 1
                index += mapSeparator.count
            } else if bytes[index...].starts(with: listSeparator) {
                finish(index)
                state = 2
                index += listSeparator.count
            } else {
                index += 1
            }
        }
        finish(bytes.count)
        return tokens
    }

    /// A tree being rebuilt from flattened entries.
    private indirect enum Node {
        case map([(String, Node)])
        case list([Node?])
        case leaf(String)
    }

    /// Rebuilds the nested metadata from flattened entries (values with `\n` already decoded or not:
    /// this decodes them). Entries are applied in key order, so the result does not depend on file order.
    static func unflatten(_ entries: [(key: String, value: String)]) throws(SOPSError) -> MetadataValue {
        var root: [(String, Node)] = []
        for (key, rawValue) in entries.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            let value = rawValue.replacing("\\n", with: "\n")
            let tokens = tokenize(key)
            guard case .key(let first) = tokens[0] else { continue }
            var current = Node.map(root)
            try insert(value, at: [Token.key(first)] + tokens.dropFirst(), into: &current, flatKey: key)
            guard case .map(let updated) = current else { continue }
            root = updated
        }
        return convert(.map(root))
    }

    private static func insert(_ value: String, at path: [Token], into node: inout Node, flatKey: String) throws(SOPSError) {
        guard let token = path.first else { return }
        let rest = Array(path.dropFirst())
        func conflict() -> SOPSError {
            SOPSError(.malformedMetadata, "invalid sops metadata: the flattened key \"\(flatKey)\" conflicts with another metadata entry")
        }
        switch (token, node) {
        case (.key(let name), .map(var members)):
            let existing = members.firstIndex(where: { $0.0 == name })
            if rest.isEmpty {
                if let existing { members[existing].1 = .leaf(value) } else { members.append((name, .leaf(value))) }
            } else {
                var child = existing.map { members[$0].1 } ?? emptyNode(before: rest[0])
                try insert(value, at: rest, into: &child, flatKey: flatKey)
                if let existing { members[existing].1 = child } else { members.append((name, child)) }
            }
            node = .map(members)
        case (.index(let position), .list(var items)):
            guard position >= 0, position < 10_000 else {
                throw SOPSError(.malformedMetadata, "invalid sops metadata: list index \(position) in \"\(flatKey)\" is out of range")
            }
            if items.count <= position { items += Array(repeating: nil, count: position + 1 - items.count) }
            if rest.isEmpty {
                items[position] = .leaf(value)
            } else {
                var child = items[position] ?? emptyNode(before: rest[0])
                try insert(value, at: rest, into: &child, flatKey: flatKey)
                items[position] = child
            }
            node = .list(items)
        default:
            throw conflict()
        }
    }

    /// A new node for a path to continue into; a kind that does not fit the next step (a leaf, or
    /// a map before an index) is refused as a conflict by `insert` itself.
    private static func emptyNode(before token: Token) -> Node {
        if case .index = token { return .list([]) }
        return .map([])
    }

    private static func convert(_ node: Node) -> MetadataValue {
        switch node {
        case .leaf(let text): return .string(text)
        case .map(let members): return .map(members.map { ($0.0, convert($0.1)) })
        case .list(let items): return .list(items.map { $0.map(convert) ?? .null })
        }
    }
}
