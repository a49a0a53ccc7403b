/// The file formats ("stores") sops reads and writes.
public enum SOPSFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case yaml
    case json
    case dotenv
    case ini
    /// Any other file: the whole content is one encrypted string in a JSON envelope.
    case binary

    public var description: String { rawValue }

    /// The format `sops` picks from a file name: `.yaml`/`.yml`, `.json`, `.env`, `.ini`, else binary
    /// (suffix match, as `formats.FormatForPath`).
    public static func forPath(_ path: String) -> SOPSFormat {
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { return .yaml }
        if path.hasSuffix(".json") { return .json }
        if path.hasSuffix(".env") { return .dotenv }
        if path.hasSuffix(".ini") { return .ini }
        return .binary
    }

    /// The format named by `--input-type` / `--output-type` (`yaml`, `json`, `dotenv`, `ini`, `binary`).
    public init?(typeName: String) {
        self.init(rawValue: typeName)
    }

    /// The bytes Flux looks for before it decrypts a file or Secret value in this format
    /// (`mac: ENC[`; `"mac": "ENC[` with exactly one space for JSON and binary; `sops_mac=ENC[`; `[sops]`).
    public var fluxMarker: [UInt8] {
        switch self {
        case .yaml: Array("mac: ENC[".utf8)
        case .json, .binary: Array("\"mac\": \"ENC[".utf8)
        case .dotenv: Array("sops_mac=ENC[".utf8)
        case .ini: Array("[sops]".utf8)
        }
    }

    /// Whether `bytes` contain this format's Flux marker.
    public func hasFluxMarker(_ bytes: some Collection<UInt8>) -> Bool {
        GoText.index(of: fluxMarker, in: Array(bytes)[...]) != nil
    }
}

/// Flux kustomize-controller's format rules, for the integration layer.
public enum FluxFormatRules {
    /// Format of a `secretGenerator` file source or Secret data key from its (target) name:
    /// `.dockerconfigjson` → JSON, otherwise as `SOPSFormat.forPath` (unknown → binary).
    public static func formatForKey(_ key: String) -> SOPSFormat {
        if key.hasSuffix(".dockerconfigjson") { return .json }
        return SOPSFormat.forPath(key)
    }

    /// Format of a `secretGenerator` `envs` file: from its path, anything unrecognised is dotenv.
    public static func formatForEnvFile(_ path: String) -> SOPSFormat {
        let format = formatForKey(path)
        return format == .binary ? .dotenv : format
    }

    /// Format of a local `patches[].path` file: from its path (unknown → binary).
    public static func formatForPatch(_ path: String) -> SOPSFormat {
        formatForKey(path)
    }

    /// The format whose marker the bytes contain (Flux's `detectFormatFromMarkerBytes`); JSON and
    /// binary share a marker and parse the same way, JSON is returned.
    public static func detectFormat(_ bytes: some Collection<UInt8>) -> SOPSFormat? {
        let array = Array(bytes)
        for format in [SOPSFormat.json, .dotenv, .ini, .yaml] where format.hasFluxMarker(array) {
            return format
        }
        return nil
    }
}
