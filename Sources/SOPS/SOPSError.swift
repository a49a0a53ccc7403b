/// A failure to read or decrypt a SOPS file. Messages name the file, document and key path and
/// the master keys involved, but never key material, data keys, MAC values or plaintext.
public struct SOPSError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, for callers that branch on it.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The file has no SOPS metadata (`sops` key, `sops_*` lines, `[sops]` section): it is not encrypted.
        case metadataNotFound
        /// The file does not parse in its format, or its structure is not what SOPS writes.
        case malformedFile
        /// The SOPS metadata is present but invalid (bad date, wrong types, conflicting selectors, no keys).
        case malformedMetadata
        /// An `ENC[...]` value does not parse or does not decrypt with the data key (tampered or moved).
        case valueDecryptionFailed
        /// The MAC stored in the file does not match the decrypted content, or cannot be decrypted.
        case macMismatch
        /// No master key (or not enough key groups for the Shamir threshold) yielded the data key.
        case noKeyDecrypted
        /// A master key type that this agent cannot use (for example `hckms`).
        case unsupportedKeyType
        /// Key material given to the agent (an `.agekey` entry, a key file) does not parse.
        case invalidKeyMaterial
        /// The decrypted tree cannot be written in the requested output format.
        case cannotEmit

        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A message an operator can act on; never secret material.
    public var message: String
    /// The file the error is about, when known.
    public var file: String?
    /// The 0-based YAML document index, when the file has several.
    public var document: Int?
    /// The key path inside the document (`data:password`), when known.
    public var path: [String]?

    public init(_ code: Code, _ message: String, file: String? = nil, document: Int? = nil, path: [String]? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.document = document
        self.path = path
    }

    public var description: String {
        var location: [String] = []
        if let file { location.append(file) }
        if let document { location.append("document \(document)") }
        if let path, !path.isEmpty { location.append("at \(path.joined(separator: "."))") }
        let prefix = location.isEmpty ? "" : location.joined(separator: ", ") + ": "
        return "\(prefix)\(message)"
    }

    /// The same error attributed to a file (kept when already set).
    public func inFile(_ name: String?) -> SOPSError {
        var copy = self
        if copy.file == nil { copy.file = name }
        return copy
    }

    func inDocument(_ index: Int?) -> SOPSError {
        var copy = self
        if copy.document == nil { copy.document = index }
        return copy
    }
}
