/// The INI store, reading and writing like gopkg.in/ini.v1 1.67 with `AllowNonUniqueSections`:
/// sections become top-level mapping items (keys before the first section go to `DEFAULT`), values
/// are trimmed strings (quotes stripped, `#`/`;` inline comments cut, `\` continuations and
/// `"""` multi-line values joined), comments attach to the following key (or section header), and
/// the metadata is the flattened `[sops]` section.
enum INIStore {
    struct Key {
        var name: [UInt8]
        var value: [UInt8]
        var comment: [UInt8]
    }

    struct Section {
        var name: [UInt8]
        var comment: [UInt8]
        var keys: [Key]
    }

    private struct LineReader {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position >= bytes.count }

        /// The next line including its LF (like `bufio.Reader.ReadBytes('\n')`).
        mutating func next() -> ArraySlice<UInt8>? {
            guard position < bytes.count else { return nil }
            let start = position
            if let newline = bytes[start...].firstIndex(of: 0x0A) {
                position = newline + 1
            } else {
                position = bytes.count
            }
            return bytes[start..<position]
        }
    }

    private static func failure(_ message: String, line: Int) -> SOPSError {
        SOPSError(.malformedFile, "INI line \(line): \(message)")
    }

    static func parse(_ input: [UInt8]) throws(SOPSError) -> [Section] {
        var bytes = input
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            bytes.removeFirst(2)
        } else if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
        }
        var reader = LineReader(bytes: bytes)
        var sections = [Section(name: Array("DEFAULT".utf8), comment: [], keys: [])]
        var comment: [UInt8] = []
        var lineNumber = 0
        var autoIncrement = 1
        while let rawLine = reader.next() {
            lineNumber += 1
            let line = GoText.trimLeftSpace(rawLine)
            guard let first = line.first else { continue }
            if first == UInt8(ascii: "#") || first == UInt8(ascii: ";") {
                comment.append(contentsOf: line)
                continue
            }
            if first == UInt8(ascii: "[") {
                guard let close = line.lastIndex(of: UInt8(ascii: "]")) else { throw failure("unclosed section header", line: lineNumber) }
                let name = Array(line[(line.startIndex + 1)..<close])
                guard !name.isEmpty else { throw failure("empty section name", line: lineNumber) }
                if let start = GoText.indexAny(line[(close + 1)...], "#;") { comment.append(contentsOf: line[start...]) }
                sections.append(Section(name: name, comment: Array(GoText.trimSpace(comment[...])), keys: []))
                comment = []
                autoIncrement = 1
                continue
            }
            let (name, valueStart) = try keyName(line, lineNumber: lineNumber)
            var keyName = name
            if keyName == Array("-".utf8) {
                keyName = Array("#\(autoIncrement)".utf8)
                autoIncrement += 1
            }
            let value = try readValue(line[valueStart...], reader: &reader, comment: &comment, lineNumber: &lineNumber)
            guard !keyName.isEmpty else { throw failure("empty key name", line: lineNumber) }
            let keyComment = Array(GoText.trimSpace(comment[...]))
            comment = []
            if let existing = sections[sections.count - 1].keys.firstIndex(where: { $0.name == keyName }) {
                sections[sections.count - 1].keys[existing].value = value
                sections[sections.count - 1].keys[existing].comment = keyComment
            } else {
                sections[sections.count - 1].keys.append(Key(name: keyName, value: value, comment: keyComment))
            }
        }
        return sections
    }

    /// go-ini's `readKeyName` with delimiters `=` and `:`.
    private static func keyName(_ line: ArraySlice<UInt8>, lineNumber: Int) throws(SOPSError) -> ([UInt8], Int) {
        var quote: [UInt8] = []
        if line.first == UInt8(ascii: "\"") {
            quote = line.count > 6 && line.starts(with: Array("\"\"\"".utf8)) ? Array("\"\"\"".utf8) : [UInt8(ascii: "\"")]
        } else if line.first == UInt8(ascii: "`") {
            quote = [UInt8(ascii: "`")]
        }
        if !quote.isEmpty {
            let start = line.startIndex + quote.count
            guard let close = GoText.index(of: quote, in: line[start...]) else { throw failure("missing closing key quote", line: lineNumber) }
            let afterQuote = close + quote.count
            guard afterQuote <= line.endIndex, let delimiter = GoText.indexAny(line[afterQuote...], "=:") else {
                throw failure("key-value delimiter not found", line: lineNumber)
            }
            return (Array(GoText.trimSpace(line[start..<close])), delimiter + 1)
        }
        guard let delimiter = GoText.indexAny(line, "=:") else { throw failure("key-value delimiter not found", line: lineNumber) }
        guard delimiter > line.startIndex else { throw failure("empty key name", line: lineNumber) }
        return (Array(GoText.trimSpace(line[line.startIndex..<delimiter])), delimiter + 1)
    }

    private static func hasSurroundedQuote(_ value: ArraySlice<UInt8>, _ quote: UInt8) -> Bool {
        guard value.count >= 2, value.first == quote, value.last == quote else { return false }
        return value.dropFirst().firstIndex(of: quote) == value.endIndex - 1
    }

    /// go-ini's `readValue` (no Python multi-line values, inline comments without a space before them).
    private static func readValue(
        _ input: ArraySlice<UInt8>, reader: inout LineReader, comment: inout [UInt8], lineNumber: inout Int
    ) throws(SOPSError) -> [UInt8] {
        let line = GoText.trimLeftSpace(input)
        guard !line.isEmpty else { return [] }
        var quote: [UInt8] = []
        if line.count > 3, line.starts(with: Array("\"\"\"".utf8)) {
            quote = Array("\"\"\"".utf8)
        } else if line.first == UInt8(ascii: "`") {
            quote = [UInt8(ascii: "`")]
        }
        if !quote.isEmpty {
            let start = line.startIndex + quote.count
            if let close = GoText.lastIndex(of: quote, in: line[start...]) {
                return Array(line[start..<close])
            }
            // A value that continues on the following lines up to the closing quote.
            var value = Array(line[start...])
            while true {
                let next = reader.next() ?? []
                lineNumber += 1
                if let close = GoText.lastIndex(of: quote, in: next) {
                    value.append(contentsOf: next[next.startIndex..<close])
                    if let start = GoText.indexAny(next[close...], "#;") {
                        comment.append(contentsOf: GoText.trimSpace(next[start...]))
                    }
                    return value
                }
                value.append(contentsOf: next)
                if reader.atEnd { throw failure("missing closing quote of a multi-line value", line: lineNumber) }
            }
        }
        var trimmed = GoText.trimSpace(line)
        if trimmed.last == UInt8(ascii: "\\") {
            // Continuation lines: joined trimmed, until an empty line or one not ending in a backslash.
            var value = Array(trimmed.dropLast())
            while let next = reader.next() {
                lineNumber += 1
                let piece = GoText.trimSpace(next)
                if piece.isEmpty { break }
                value.append(contentsOf: piece)
                if value.last != UInt8(ascii: "\\") { break }
                value.removeLast()
            }
            return value
        }
        if let start = GoText.indexAny(trimmed, "#;") {
            comment.append(contentsOf: trimmed[start...])
            trimmed = GoText.trimSpace(trimmed[trimmed.startIndex..<start])
        }
        if hasSurroundedQuote(trimmed, UInt8(ascii: "'")) || hasSurroundedQuote(trimmed, UInt8(ascii: "\"")) {
            trimmed = trimmed.dropFirst().dropLast()
        }
        return Array(trimmed)
    }

    /// sops' `stripCommentChar`: drop leading `;`/space or `#`/space characters.
    private static func stripCommentCharacter(_ comment: [UInt8]) -> [UInt8] {
        guard let first = comment.first, first == UInt8(ascii: ";") || first == UInt8(ascii: "#") else { return comment }
        return Array(comment.drop(while: { $0 == first || $0 == 0x20 }))
    }

    static func tree(_ sections: [Section]) -> [SOPSMappingItem] {
        sections.map { section in
            var items: [SOPSMappingItem] = []
            if !section.comment.isEmpty { items.append(.comment(stripCommentCharacter(section.comment))) }
            for key in section.keys {
                items.append(SOPSMappingItem(key: .string(key.name), value: .string(key.value)))
                if !key.comment.isEmpty { items.append(.comment(stripCommentCharacter(key.comment))) }
            }
            return SOPSMappingItem(key: .string(section.name), value: .mapping(items))
        }
    }

    static func load(_ bytes: [UInt8]) throws(SOPSError) -> (branches: SOPSBranches, metadata: SOPSMetadata) {
        let sections = try parse(bytes)
        guard let metadataSection = sections.first(where: { $0.name == Array("sops".utf8) }) else {
            throw SOPSError(.metadataNotFound, "sops metadata not found (no [sops] section)")
        }
        let entries = metadataSection.keys.map { (key: String(decoding: $0.name, as: UTF8.self), value: String(decoding: $0.value, as: UTF8.self)) }
        let metadata = try MetadataDecoder(flavor: .flattened).decode(FlattenedMetadata.unflatten(entries))
        var branch = tree(sections)
        branch.removeItems(withKey: "sops")
        return ([branch], metadata)
    }

    // MARK: - Emitting

    static func emit(_ branches: SOPSBranches) throws(SOPSError) -> [UInt8] {
        var sections: [Section] = []
        for branch in branches {
            for item in branch {
                if item.key.isComment { continue }
                guard case .string(let name) = item.key, !name.isEmpty else {
                    throw SOPSError(.cannotEmit, "error encoding section: empty or non-string section name")
                }
                guard case .mapping(let entries) = item.value else {
                    throw SOPSError(.cannotEmit, "error encoding section \(GoText.string(name)): section values should always be mappings")
                }
                var section = Section(name: name, comment: [], keys: [])
                var first = 0
                if case .comment(let text)? = entries.first?.key {
                    section.comment = text
                    first = 1
                }
                var lastKey: Int?
                for entry in entries.dropFirst(first) {
                    switch entry.key {
                    case .comment(let text):
                        if let lastKey { section.keys[lastKey].comment = text }
                    case .string(let keyName):
                        guard !keyName.isEmpty else { throw SOPSError(.cannotEmit, "error encoding key: empty key name") }
                        switch entry.value {
                        case .mapping, .sequence:
                            throw SOPSError(.cannotEmit, "cannot write the nested value of \(GoText.string(keyName)) in an INI section")
                        default: break
                        }
                        let value = ScalarText.valueString(entry.value)
                        if let existing = section.keys.firstIndex(where: { $0.name == keyName }) {
                            section.keys[existing].value = value
                            lastKey = existing
                        } else {
                            section.keys.append(Key(name: keyName, value: value, comment: []))
                            lastKey = section.keys.count - 1
                        }
                    case .nonString(let description):
                        throw SOPSError(.cannotEmit, "error encoding key: non-string key \(description)")
                    }
                }
                sections.append(section)
            }
        }
        return write(sections)
    }

    private static func commentLines(_ comment: [UInt8], trimPlain: Bool) -> [UInt8] {
        var output: [UInt8] = []
        for line in GoText.split(comment, on: 0x0A) {
            if let first = line.first, first == UInt8(ascii: "#") || first == UInt8(ascii: ";") {
                output.append(first)
                output.append(0x20)
                output.append(contentsOf: GoText.trimSpace(line.dropFirst()))
            } else {
                output.append(contentsOf: Array("; ".utf8))
                output.append(contentsOf: trimPlain ? GoText.trimSpace(line) : line)
            }
            output.append(0x0A)
        }
        return output
    }

    /// go-ini's `WriteTo` with its defaults (aligned ` = `, a blank line between sections).
    static func write(_ sections: [Section]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, section) in sections.enumerated() {
            if !section.comment.isEmpty { output.append(contentsOf: commentLines(section.comment, trimPlain: false)) }
            let isDefault = String(decoding: section.name, as: UTF8.self).uppercased() == "DEFAULT"
            if index > 0 || !isDefault {
                output.append(UInt8(ascii: "["))
                output.append(contentsOf: section.name)
                output.append(contentsOf: [UInt8(ascii: "]"), 0x0A])
            } else if section.keys.isEmpty {
                continue
            }
            func quotedName(_ name: [UInt8]) -> [UInt8] {
                if name.contains(UInt8(ascii: "\"")) || name.contains(UInt8(ascii: "=")) || name.contains(UInt8(ascii: ":")) {
                    return [UInt8(ascii: "`")] + name + [UInt8(ascii: "`")]
                }
                if name.contains(UInt8(ascii: "`")) { return Array("\"\"\"".utf8) + name + Array("\"\"\"".utf8) }
                return name
            }
            let alignment = section.keys.map { quotedName($0.name).count }.max() ?? 0
            for key in section.keys {
                if !key.comment.isEmpty { output.append(contentsOf: commentLines(key.comment, trimPlain: true)) }
                let name = quotedName(key.name)
                output.append(contentsOf: name)
                output.append(contentsOf: repeatElement(0x20, count: alignment - name.count))
                output.append(contentsOf: Array(" = ".utf8))
                var value = key.value
                if value.contains(0x0A) || value.contains(UInt8(ascii: "`")) {
                    value = Array("\"\"\"".utf8) + value + Array("\"\"\"".utf8)
                } else if value.contains(UInt8(ascii: "#")) || value.contains(UInt8(ascii: ";")) {
                    value = [UInt8(ascii: "`")] + value + [UInt8(ascii: "`")]
                } else if GoText.trimSpace(value).count != value.count {
                    value = [UInt8(ascii: "\"")] + value + [UInt8(ascii: "\"")]
                }
                output.append(contentsOf: value)
                output.append(0x0A)
            }
            if index < sections.count - 1 { output.append(0x0A) }
        }
        return output
    }
}
