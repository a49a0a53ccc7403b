/// The dotenv store: lines split on LF only (a CR stays part of the line, as in sops 3.11),
/// `#` comment lines, `KEY=value` with the two characters `\n` standing for a line break, and the
/// flattened metadata on `sops_*` lines.
enum DotenvStore {
    static let metadataPrefix = Array("sops_".utf8)

    static func parse(_ bytes: [UInt8]) throws(SOPSError) -> [SOPSMappingItem] {
        var items: [SOPSMappingItem] = []
        for (number, line) in GoText.split(bytes, on: 0x0A).enumerated() where !line.isEmpty {
            if line.first == UInt8(ascii: "#") {
                items.append(.comment(Array(line.dropFirst())))
                continue
            }
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                throw SOPSError(.malformedFile, "invalid dotenv input line \(number + 1): expected KEY=value")
            }
            let value = GoText.replaceAll(Array(line[(equals + 1)...]), Array("\\n".utf8), [0x0A])
            items.append(SOPSMappingItem(key: .string(Array(line[line.startIndex..<equals])), value: .string(value)))
        }
        return items
    }

    static func load(_ bytes: [UInt8]) throws(SOPSError) -> (branches: SOPSBranches, metadata: SOPSMetadata) {
        var branch: [SOPSMappingItem] = []
        var entries: [(key: String, value: String)] = []
        for item in try parse(bytes) {
            if case .string(let key) = item.key, key.starts(with: metadataPrefix), case .string(let value) = item.value {
                entries.append((String(decoding: key.dropFirst(metadataPrefix.count), as: UTF8.self), String(decoding: value, as: UTF8.self)))
            } else {
                branch.append(item)
            }
        }
        guard !entries.isEmpty else { throw SOPSError(.metadataNotFound, "sops metadata not found (no sops_* lines)") }
        let metadata = try MetadataDecoder(flavor: .flattened).decode(FlattenedMetadata.unflatten(entries))
        return ([branch], metadata)
    }

    static func emit(_ branches: SOPSBranches) throws(SOPSError) -> [UInt8] {
        var output: [UInt8] = []
        for item in branches.first ?? [] {
            switch item.value {
            case .mapping, .sequence:
                throw SOPSError(.cannotEmit, "cannot use complex value in dotenv file; offending key \(ScalarText.keyDescription(item.key))")
            default: break
            }
            switch item.key {
            case .comment(let text):
                output.append(UInt8(ascii: "#"))
                output.append(contentsOf: text)
            case .string(let key):
                output.append(contentsOf: key)
                output.append(UInt8(ascii: "="))
                if case .string(let value) = item.value {
                    output.append(contentsOf: GoText.replaceAll(value, [0x0A], Array("\\n".utf8)))
                } else {
                    output.append(contentsOf: ScalarText.valueString(item.value))
                }
            case .nonString(let description):
                output.append(contentsOf: Array(description.utf8))
                output.append(UInt8(ascii: "="))
                output.append(contentsOf: ScalarText.valueString(item.value))
            }
            output.append(0x0A)
        }
        return output
    }
}

/// sops' `stores.ValToString`, used by the dotenv and INI emitters for non-string values.
enum ScalarText {
    static func valueString(_ node: SOPSNode) -> [UInt8] {
        switch node {
        case .string(let bytes): return bytes
        case .float(let value):
            var text = GoNumberText.formatFloatGeneral(value, uppercase: true)
            if !text.contains(".") && !text.contains("E") && value.isFinite {
                text += ".0"
            }
            return Array(text.utf8)
        case .bool(let value): return Array((value ? "true" : "false").utf8)
        case .time(let value): return Array(value.rfc3339.utf8)
        case .integer(let value): return Array(String(value).utf8)
        case .unsignedInteger(let value): return Array(String(value).utf8)
        case .null: return Array("<nil>".utf8)
        case .bytes(let bytes): return Array(("[" + bytes.map { String($0) }.joined(separator: " ") + "]").utf8)
        case .comment(let text): return [UInt8(ascii: "{")] + text + [UInt8(ascii: "}")]
        case .mapping, .sequence: return []
        }
    }

    static func keyDescription(_ key: SOPSKey) -> String {
        switch key {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .comment: return "(comment)"
        case .nonString(let description): return description
        }
    }
}
