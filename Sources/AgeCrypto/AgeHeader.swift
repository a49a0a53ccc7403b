/// The binary age header: version line, recipient stanzas, and the MAC line.
struct AgeHeader: Sendable {
    static let versionLine = "age-encryption.org/v1"
    static let nonceByteCount = 16

    let stanzas: [AgeStanza]
    /// The header bytes the MAC covers: from the start through the `---` of the MAC line.
    let authenticatedBytes: ArraySlice<UInt8>
    let mac: [UInt8]
    /// The 16-byte payload nonce that follows the header.
    let payloadNonce: ArraySlice<UInt8>
    /// Offset of the first payload chunk in the file.
    let payloadOffset: Int

    /// Parses the header of a binary age file, checking every rule of the format and the argument shape
    /// of the stanza types this implementation knows.
    static func parse(_ file: [UInt8]) throws(AgeError) -> AgeHeader {
        var reader = LineReader(bytes: file)
        guard let first = reader.nextLine() else {
            throw AgeError(.malformedHeader, file.isEmpty ? "the file is empty" : "the header is truncated")
        }
        guard Array(file[first]) == Array(versionLine.utf8) else {
            if file[first].starts(with: Array("age-encryption.org/".utf8)) {
                throw AgeError(.unsupportedVersion, "unsupported age format version (only age-encryption.org/v1 is known)")
            }
            throw AgeError(.malformedHeader, "not an age file (the first line is not age-encryption.org/v1)")
        }
        var stanzas: [AgeStanza] = []
        while true {
            guard let line = reader.nextLine() else {
                throw AgeError(.malformedHeader, "the header is truncated (no MAC line)")
            }
            let text = file[line]
            if text.starts(with: Array("---".utf8)) {
                guard text.count > 4, text[text.startIndex + 3] == UInt8(ascii: " ") else {
                    throw AgeError(.malformedHeader, "the MAC line must be \"--- \" followed by the MAC")
                }
                guard let mac = Base64.decode(text.dropFirst(4), padded: false), mac.count == 32 else {
                    throw AgeError(.malformedHeader, "the header MAC is not 32 bytes of canonical base64")
                }
                guard !stanzas.isEmpty else {
                    throw AgeError(.malformedHeader, "the header has no recipient stanzas")
                }
                let payloadOffset = reader.offset
                guard file.count - payloadOffset >= nonceByteCount else {
                    throw AgeError(.malformedHeader, "the payload nonce is missing or truncated")
                }
                let header = AgeHeader(
                    stanzas: stanzas,
                    authenticatedBytes: file[..<(text.startIndex + 3)],
                    mac: mac,
                    payloadNonce: file[payloadOffset..<(payloadOffset + nonceByteCount)],
                    payloadOffset: payloadOffset + nonceByteCount)
                try header.validateKnownStanzas()
                return header
            }
            guard text.starts(with: Array("-> ".utf8)) else {
                throw AgeError(.malformedHeader, "a header line is neither a stanza (\"-> \") nor the MAC line (\"--- \")")
            }
            let fields = text.dropFirst(3).split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            for field in fields {
                guard !field.isEmpty, field.allSatisfy({ $0 >= 33 && $0 <= 126 }) else {
                    throw AgeError(.malformedHeader, "a stanza argument is empty or contains characters outside printable ASCII")
                }
            }
            var bodyText: [UInt8] = []
            while true {
                guard let bodyLine = reader.nextLine() else {
                    throw AgeError(.malformedHeader, "a stanza body is truncated (every body ends with a line shorter than 64 columns)")
                }
                let chunk = file[bodyLine]
                guard chunk.count <= 64, chunk.allSatisfy(Base64.isAlphabetCharacter) else {
                    throw AgeError(.malformedHeader, "a stanza body line is longer than 64 columns or not unpadded base64")
                }
                bodyText.append(contentsOf: chunk)
                if chunk.count < 64 { break }
            }
            guard let body = Base64.decode(bodyText, padded: false) else {
                throw AgeError(.malformedHeader, "a stanza body is not canonical base64")
            }
            let strings = fields.map { String(decoding: $0, as: UTF8.self) }
            stanzas.append(AgeStanza(type: strings[0], arguments: Array(strings.dropFirst()), body: body))
        }
    }

    /// Shape checks for X25519 and scrypt stanzas, and the rule that an scrypt stanza stands alone.
    private func validateKnownStanzas() throws(AgeError) {
        var hasScrypt = false
        for stanza in stanzas {
            switch stanza.type {
            case KnownStanza.x25519Type: _ = try KnownStanza.x25519(stanza)
            case KnownStanza.scryptType:
                _ = try KnownStanza.scrypt(stanza)
                hasScrypt = true
            default: continue
            }
        }
        if hasScrypt && stanzas.count != 1 {
            throw AgeError(.malformedHeader, "an scrypt (passphrase) stanza must be the only stanza in the header")
        }
    }

    /// Serializes stanzas and MAC; `authenticatedPrefix` is what the MAC is computed over.
    static func encodedPrefix(_ stanzas: [AgeStanza]) -> [UInt8] {
        var output = Array(versionLine.utf8)
        output.append(UInt8(ascii: "\n"))
        for stanza in stanzas { output.append(contentsOf: stanza.encoded()) }
        output.append(contentsOf: Array("---".utf8))
        return output
    }
}

/// Splits bytes into `\n`-terminated lines (a final unterminated line is not a line).
struct LineReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The range of the next line without its `\n`, or nil when no complete line remains.
    mutating func nextLine() -> Range<Int>? {
        guard offset < bytes.count, let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = offset..<end
        offset = end + 1
        return line
    }
}
