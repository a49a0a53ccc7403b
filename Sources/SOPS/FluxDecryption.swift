import JSON

/// Decryption with Flux's contract (kustomize-controller and the StageSet controller): the MAC is
/// never checked, a file is touched only when it carries its format's marker bytes (or, on request,
/// SOPS metadata), and everything else passes through unchanged.
public struct FluxDecryption: Sendable {
    /// How a file is recognised as SOPS-encrypted.
    public enum Detection: Sendable {
        /// Flux kustomize-controller: the format's marker bytes (`mac: ENC[`, `"mac": "ENC[`, `sops_mac=ENC[`, `[sops]`).
        case markerBytes
        /// StageSet controller: any file whose store finds SOPS metadata.
        case metadata
    }

    public struct FileMapOptions: Sendable {
        /// Formats decrypted in place; files of other formats pass through (the StageSet controller
        /// decrypts YAML, JSON, dotenv and INI; binary files pass through).
        public var formats: Set<SOPSFormat>
        public var detection: Detection
        /// Encrypted files larger than this are refused (Flux: 5 MiB); `nil` for no limit.
        public var maximumFileBytes: Int?

        public init(formats: Set<SOPSFormat> = [.yaml, .json, .dotenv, .ini], detection: Detection = .markerBytes,
            maximumFileBytes: Int? = 5 << 20)
        {
            self.formats = formats
            self.detection = detection
            self.maximumFileBytes = maximumFileBytes
        }
    }

    public let decryptor: SOPSDecryptor

    public init(decryptor: SOPSDecryptor) {
        self.decryptor = decryptor
    }

    /// Decrypts every SOPS file of a stage's file map in memory, each in its own format (by file
    /// extension); other files are returned unchanged. The first failure stops and is thrown.
    public func decryptFileMap(_ files: [String: [UInt8]], options: FileMapOptions = FileMapOptions()) async throws(SOPSError) -> [String: [UInt8]] {
        var output = files
        for path in files.keys.sorted() {
            let bytes = files[path]!
            let format = SOPSFormat.forPath(path)
            guard options.formats.contains(format) else { continue }
            if options.detection == .markerBytes, !format.hasFluxMarker(bytes) { continue }
            if let limit = options.maximumFileBytes, bytes.count > limit {
                throw SOPSError(.malformedFile, "cannot decrypt a file of \(bytes.count) bytes (limit \(limit))", file: path)
            }
            do {
                output[path] = try await decryptor.decrypt(bytes, format: format, mac: .ignore, fileName: path)
            } catch {
                if error.code == .metadataNotFound { continue }
                throw error
            }
        }
        return output
    }

    /// Decrypts one file the way Flux decrypts a generator or patch source: only when it carries the
    /// input format's marker bytes (otherwise `nil`), emitted in `outputFormat` (default: the same).
    public func decryptSource(_ bytes: [UInt8], format: SOPSFormat, outputFormat: SOPSFormat? = nil, fileName: String? = nil) async throws(SOPSError) -> [UInt8]? {
        guard format.hasFluxMarker(bytes) else { return nil }
        return try await decryptor.decrypt(bytes, format: format, outputFormat: outputFormat, mac: .ignore, fileName: fileName)
    }

    /// The annotation that turns decryption off for one object.
    public static let decryptAnnotation = "kustomize.toolkit.fluxcd.io/decrypt"

    /// Whether the object opts out (`kustomize.toolkit.fluxcd.io/decrypt: disabled`, any case).
    public static func isDecryptionDisabled(_ object: JSONValue) -> Bool {
        object["metadata"]?["annotations"]?[decryptAnnotation]?.stringValue?.lowercased() == "disabled"
    }

    /// Whether a built object is a whole-object SOPS document: a non-empty `sops` field with a non-empty `mac`.
    public static func isSOPSEncryptedObject(_ object: JSONValue) -> Bool {
        guard let sops = object["sops"], !isEmptyValue(sops), let mac = sops["mac"] else { return false }
        return !isEmptyValue(mac)
    }

    /// The apply-time guard: a `v1` `Secret` that still has a top-level `sops` field (and does not opt
    /// out of decryption) must not be applied.
    public static func isUndecryptedSecret(_ object: JSONValue) -> Bool {
        object["apiVersion"]?.stringValue == "v1" && object["kind"]?.stringValue == "Secret" && object["sops"] != nil
            && !isDecryptionDisabled(object)
    }

    private static func isEmptyValue(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let text): return text.isEmpty
        case .object(let object): return object.isEmpty
        case .array(let array): return array.isEmpty
        default: return false
        }
    }

    /// The post-build step for one object: a whole-object SOPS document is decrypted as JSON; a
    /// `Secret` gets each base64 `data` value that carries a marker decrypted (input format from the
    /// marker, output format from the data key's extension). Returns `nil` when nothing applies.
    public func decryptObject(_ object: JSONValue) async throws(SOPSError) -> JSONValue? {
        guard case .object = object, !Self.isDecryptionDisabled(object) else { return nil }
        let name = Self.objectName(object)
        if Self.isSOPSEncryptedObject(object) {
            let text = JSONSerializer().serialize(object)
            let plain: [UInt8]
            do {
                plain = try await decryptor.decrypt(text, format: .json, mac: .ignore)
            } catch {
                throw SOPSError(error.code, "failed to decrypt and format \(name) data: \(error.message)", path: error.path)
            }
            do {
                return try JSONParser.parse(plain)
            } catch {
                throw SOPSError(.cannotEmit, "failed to read the decrypted \(name) back as JSON: \(error)")
            }
        }
        guard object["kind"]?.stringValue == "Secret", case .object(var data)? = object["data"] else { return nil }
        var changed = false
        for key in data.keys {
            guard let encoded = data[key]?.stringValue, let decoded = GoBase64.decodeStandard(Array(encoded.utf8)),
                let inputFormat = FluxFormatRules.detectFormat(decoded)
            else { continue }
            let plain: [UInt8]
            do {
                plain = try await decryptor.decrypt(decoded, format: inputFormat, outputFormat: FluxFormatRules.formatForKey(key), mac: .ignore)
            } catch {
                throw SOPSError(error.code, "failed to decrypt and format \(name) Secret field '\(key)': \(error.message)", path: error.path)
            }
            data[key] = .string(GoBase64.encodeStandard(plain))
            changed = true
        }
        guard changed else { return nil }
        var result = object
        result["data"] = .object(data)
        return result
    }

    private static func objectName(_ object: JSONValue) -> String {
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? ""
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? "object"
        return "'\(namespace)/\(name)' \(kind)"
    }
}
