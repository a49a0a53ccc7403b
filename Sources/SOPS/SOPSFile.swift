/// An encrypted SOPS file read by its store: the (still encrypted) documents and the metadata.
public struct SOPSFile: Sendable {
    public var format: SOPSFormat
    /// The documents with the metadata removed; values are still `ENC[...]` strings.
    public var branches: SOPSBranches
    public var metadata: SOPSMetadata

    /// Parses `bytes` with the store for `format`. Throws `metadataNotFound` for a file that is not
    /// SOPS-encrypted, `malformedFile`/`malformedMetadata` for one that cannot be read.
    public init(bytes: [UInt8], format: SOPSFormat) throws(SOPSError) {
        self.format = format
        switch format {
        case .yaml: (branches, metadata) = try YAMLStore.load(bytes)
        case .json: (branches, metadata) = try JSONStore.load(bytes)
        case .binary: (branches, metadata) = try BinaryStore.load(bytes)
        case .dotenv: (branches, metadata) = try DotenvStore.load(bytes)
        case .ini: (branches, metadata) = try INIStore.load(bytes)
        }
    }

    /// Writes plaintext documents in `format` exactly as `sops decrypt` prints them.
    public static func emit(_ branches: SOPSBranches, format: SOPSFormat) throws(SOPSError) -> [UInt8] {
        switch format {
        case .yaml: return try YAMLStore.emit(branches)
        case .json: return try JSONStore.emit(branches)
        case .binary: return try BinaryStore.emit(branches)
        case .dotenv: return try DotenvStore.emit(branches)
        case .ini: return try INIStore.emit(branches)
        }
    }
}
