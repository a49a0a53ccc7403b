import YAML

/// The YAML store: every document is a branch, the first document's `sops` key holds the metadata
/// (and is removed from all documents). Scalars are typed as go-yaml v3 decodes them into
/// `interface{}`; comments become comment items where go-yaml v3 + sops put them (see `YAMLCommentPlacement`).
enum YAMLStore {
    static func load(_ bytes: [UInt8]) throws(SOPSError) -> (branches: SOPSBranches, metadata: SOPSMetadata) {
        let stream: YAMLStream
        do {
            stream = try YAMLParser.parse(bytes)
        } catch {
            throw SOPSError(.malformedFile, "not valid YAML: \(error)")
        }
        guard let firstDocument = stream.documents.first, let root = firstDocument.root else {
            throw SOPSError(.metadataNotFound, "sops metadata not found")
        }
        guard case .mapping(let pairs) = root.content else {
            throw SOPSError(.malformedFile, "the first YAML document is not a mapping", document: 0)
        }
        // go-yaml decodes the first document's top-level mapping into a struct: it rejects duplicate keys there.
        var seen = Set<String>()
        for pair in pairs {
            guard let key = pair.key.scalarText else { continue }
            guard seen.insert(key).inserted else {
                throw SOPSError(.malformedFile, "mapping key \"\(printable(key))\" already defined (line \(pair.key.start.line))", document: 0)
            }
        }
        guard let metadataPair = pairs.first(where: { keyString($0.key) == Array("sops".utf8) }) else {
            throw SOPSError(.metadataNotFound, "sops metadata not found")
        }
        if case .scalar = metadataPair.value.content, case .null = decodeScalar(metadataPair.value) {
            throw SOPSError(.metadataNotFound, "sops metadata not found")
        }
        let metadata = try MetadataDecoder(flavor: .yaml).decode(metadataValue(metadataPair.value))

        let placement = YAMLCommentPlacement(stream: stream, bytes: bytes)
        var branches: SOPSBranches = []
        for index in stream.documents.indices {
            var branch: [SOPSMappingItem]
            do {
                branch = try placement.branch(document: index)
            } catch {
                throw error.inDocument(index)
            }
            branch.removeItems(withKey: "sops")
            branches.append(branch)
        }
        return (branches, metadata)
    }

    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64))
    }

    /// The string a key decodes to, or `nil` for keys that do not decode to a string.
    static func keyString(_ node: YAMLNode) -> [UInt8]? {
        guard case .scalar = node.content, case .string(let bytes) = decodeScalar(node) else { return nil }
        return bytes
    }

    static func key(_ node: YAMLNode) -> SOPSKey {
        switch node.content {
        case .scalar(let text, _):
            let value = decodeScalar(node)
            if case .string(let bytes) = value { return .string(bytes) }
            return .nonString("\(TreeDecryptor.typeName(value)) \(printable(text))")
        case .sequence: return .nonString("a list")
        case .mapping: return .nonString("a mapping")
        }
    }

    /// The Go value of a scalar node (`node.Decode(&interface{})`, errors ignored as sops does).
    static func decodeScalar(_ node: YAMLNode) -> SOPSNode {
        guard case .scalar(let text, let style) = node.content else { return .null }
        if let tag = node.tag, tag != "!" {
            let short = GoYAMLResolver.shortTag(tag)
            if short == GoYAMLResolver.Tag.string.rawValue { return .text(text) }
            if short == GoYAMLResolver.Tag.binary.rawValue {
                guard let decoded = GoBase64.decodeStandard(Array(text.utf8)) else { return .null }
                return .string(decoded)
            }
            return GoYAMLResolver.resolve(tag: short, text)?.value ?? .null
        }
        if style != .plain { return .text(text) }
        return GoYAMLResolver.resolvePlain(text).value
    }

    /// A YAML node as the metadata decoder's neutral value.
    static func metadataValue(_ node: YAMLNode) -> MetadataValue {
        switch node.content {
        case .mapping(let pairs):
            return .map(pairs.map { pair in (pair.key.scalarText ?? "", metadataValue(pair.value)) })
        case .sequence(let items):
            return .list(items.map(metadataValue))
        case .scalar(let text, _):
            switch decodeScalar(node) {
            case .null: return .null
            case .string(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
            case .integer(let value): return .scalar(text: text, kind: .integer(value))
            case .float(let value): return .scalar(text: text, kind: .float(value))
            case .bool(let value): return .scalar(text: text, kind: .bool(value))
            default: return .scalar(text: text, kind: .other)
            }
        }
    }

    static func emit(_ branches: SOPSBranches) throws(SOPSError) -> [UInt8] {
        try GoYAMLEncoder.encode(branches)
    }
}
