/// The JSON store (also the envelope of the binary store): a top-level object whose `sops` member
/// holds the metadata. sops 3.11 reads every number as a float64, and writes with Go's
/// `encoding/json` escaping and `json.Indent` (one tab per level) plus a final newline.
enum JSONStore {
    static func load(_ bytes: [UInt8]) throws(SOPSError) -> (branches: SOPSBranches, metadata: SOPSMetadata) {
        let document: GoJSONReader.Value
        do {
            document = try GoJSONReader.parse(bytes)
        } catch {
            throw SOPSError(.malformedFile, "not valid JSON: \(error.message) (at byte \(error.offset))")
        }
        guard case .object(let members) = document else {
            throw SOPSError(.malformedFile, "the top level of a SOPS JSON file must be an object")
        }
        // encoding/json: the last duplicate wins, and field names match without regard to case.
        let metadataMember = members.last(where: { $0.key == Array("sops".utf8) })
            ?? members.last(where: { String(decoding: $0.key, as: UTF8.self).lowercased() == "sops" })
        guard let metadataMember, !isNull(metadataMember.value) else {
            throw SOPSError(.metadataNotFound, "sops metadata not found")
        }
        let metadata = try MetadataDecoder(flavor: .json).decode(metadataValue(metadataMember.value))
        var branch = try mapping(members, path: [])
        branch.removeItems(withKey: "sops")
        return ([branch], metadata)
    }

    private static func isNull(_ value: GoJSONReader.Value) -> Bool {
        if case .null = value { return true }
        return false
    }

    private static func mapping(_ members: [(key: [UInt8], value: GoJSONReader.Value)], path: [String]) throws(SOPSError) -> [SOPSMappingItem] {
        var items: [SOPSMappingItem] = []
        items.reserveCapacity(members.count)
        for member in members {
            let key = String(decoding: member.key, as: UTF8.self)
            items.append(SOPSMappingItem(key: .string(member.key), value: try node(member.value, path: path + [key])))
        }
        return items
    }

    private static func node(_ value: GoJSONReader.Value, path: [String]) throws(SOPSError) -> SOPSNode {
        switch value {
        case .object(let members): return .mapping(try mapping(members, path: path))
        case .array(let items):
            var nodes: [SOPSNode] = []
            for item in items { nodes.append(try node(item, path: path)) }
            return .sequence(nodes)
        case .string(let bytes): return .string(bytes)
        case .number(let literal):
            guard let number = GoNumberText.parseFloat(literal) else {
                throw SOPSError(.malformedFile, "the number \(literal) does not fit a float64", path: path)
            }
            return .float(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    static func metadataValue(_ value: GoJSONReader.Value) -> MetadataValue {
        switch value {
        case .object(let members): return .map(members.map { (String(decoding: $0.key, as: UTF8.self), metadataValue($0.value)) })
        case .array(let items): return .list(items.map(metadataValue))
        case .string(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
        case .number(let literal):
            if let integer = Int64(literal) { return .scalar(text: literal, kind: .integer(integer)) }
            return .scalar(text: literal, kind: .float(GoNumberText.parseFloat(literal) ?? .nan))
        case .bool(let flag): return .scalar(text: flag ? "true" : "false", kind: .bool(flag))
        case .null: return .null
        }
    }

    // MARK: - Emitting

    /// The plaintext file: the first document as an indented JSON object and a newline.
    static func emit(_ branches: SOPSBranches) throws(SOPSError) -> [UInt8] {
        var output: [UInt8] = []
        try writeMapping(branches.first ?? [], level: 0, into: &output)
        output.append(0x0A)
        return output
    }

    private static func newline(_ level: Int, _ output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x09, count: level))
    }

    private static func writeMapping(_ items: [SOPSMappingItem], level: Int, into output: inout [UInt8]) throws(SOPSError) {
        let members = items.filter { !$0.key.isComment }
        output.append(UInt8(ascii: "{"))
        guard !members.isEmpty else {
            output.append(UInt8(ascii: "}"))
            return
        }
        for (index, member) in members.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            newline(level + 1, &output)
            guard case .string(let key) = member.key else {
                throw SOPSError(.cannotEmit, "JSON object keys must be strings")
            }
            writeString(key, into: &output)
            output.append(contentsOf: [UInt8(ascii: ":"), 0x20])
            try writeValue(member.value, level: level + 1, into: &output)
        }
        newline(level, &output)
        output.append(UInt8(ascii: "}"))
    }

    private static func writeValue(_ node: SOPSNode, level: Int, into output: inout [UInt8]) throws(SOPSError) {
        switch node {
        case .mapping(let items): try writeMapping(items, level: level, into: &output)
        case .sequence(let items):
            let elements = items.filter { !$0.isComment }
            output.append(UInt8(ascii: "["))
            guard !elements.isEmpty else {
                output.append(UInt8(ascii: "]"))
                return
            }
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1, &output)
                try writeValue(element, level: level + 1, into: &output)
            }
            newline(level, &output)
            output.append(UInt8(ascii: "]"))
        case .string(let bytes): writeString(bytes, into: &output)
        case .bytes(let bytes): writeString(Array(GoBase64.encodeStandard(bytes).utf8), into: &output)
        case .integer(let value): output.append(contentsOf: Array(String(value).utf8))
        case .unsignedInteger(let value): output.append(contentsOf: Array(String(value).utf8))
        case .float(let value):
            guard let text = GoNumberText.formatJSONFloat(value) else {
                throw SOPSError(.cannotEmit, "json: unsupported value: \(GoNumberText.formatFloatGeneral(value))")
            }
            output.append(contentsOf: Array(text.utf8))
        case .bool(let value): output.append(contentsOf: Array((value ? "true" : "false").utf8))
        case .time(let value):
            guard let text = value.marshalText else { throw SOPSError(.cannotEmit, "a timestamp's year is outside 0…9999") }
            writeString(Array(text.utf8), into: &output)
        case .null: output.append(contentsOf: Array("null".utf8))
        case .comment(let text):
            // Go marshals sops.Comment as an object with its exported field.
            output.append(contentsOf: Array("{\"Value\":".utf8))
            writeString(text, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Go's `encoding/json` string encoding with HTML escaping (the `json.Marshal` default).
    static func writeString(_ bytes: [UInt8], into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), byte])
                case 0x08: output.append(contentsOf: Array("\\b".utf8))
                case 0x0C: output.append(contentsOf: Array("\\f".utf8))
                case 0x0A: output.append(contentsOf: Array("\\n".utf8))
                case 0x0D: output.append(contentsOf: Array("\\r".utf8))
                case 0x09: output.append(contentsOf: Array("\\t".utf8))
                case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                    output.append(contentsOf: Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
                default: output.append(byte)
                }
                index += 1
                continue
            }
            let (scalar, length) = GoText.decodeRune(bytes[index...])
            guard let scalar else {
                output.append(contentsOf: Array("\\ufffd".utf8))
                index += 1
                continue
            }
            if scalar == 0x2028 || scalar == 0x2029 {
                output.append(contentsOf: Array("\\u202".utf8) + [hexDigits[Int(scalar & 0x0F)]])
            } else {
                output.append(contentsOf: bytes[index..<(index + length)])
            }
            index += length
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// The binary store: the whole plaintext is the string value of `data` in a JSON envelope.
enum BinaryStore {
    static func load(_ bytes: [UInt8]) throws(SOPSError) -> (branches: SOPSBranches, metadata: SOPSMetadata) {
        try JSONStore.load(bytes)
    }

    /// The raw bytes of the `data` string.
    static func emit(_ branches: SOPSBranches) throws(SOPSError) -> [UInt8] {
        guard branches.count == 1 else {
            throw SOPSError(.cannotEmit, "error emitting binary store: there must be exactly one tree branch")
        }
        guard let item = branches[0].first(where: { $0.key.stringBytes == Array("data".utf8) }) else {
            throw SOPSError(.cannotEmit, "error emitting binary store: no binary data found in tree")
        }
        guard case .string(let bytes) = item.value else {
            throw SOPSError(.cannotEmit, "error emitting binary store: 'data' key in tree does not have a string value")
        }
        return bytes
    }
}
