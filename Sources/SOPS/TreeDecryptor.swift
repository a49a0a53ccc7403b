import CryptoPrimitives

/// Walks the documents in order, decrypts every leaf sops encrypted (AAD = mapping-key path joined
/// with `:` plus a trailing `:`) and computes the MAC over the plaintext leaves, as `Tree.Decrypt` does.
struct TreeDecryptor {
    /// SHA-256("sops"): the MAC's first input when only encrypted values are covered.
    static let macOnlyEncryptedInitialization: [UInt8] = [
        0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
        0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
    ]

    let metadata: SOPSMetadata
    let cipher: ValueCipher
    private let rule: EncryptionRule
    private let hash: IncrementalHash
    private var document = 0

    init(metadata: SOPSMetadata, dataKey: SecureBytes) throws(SOPSError) {
        self.metadata = metadata
        cipher = ValueCipher(dataKey: dataKey)
        rule = EncryptionRule(metadata.selector)
        do {
            hash = try IncrementalHash(.sha512)
            if metadata.macOnlyEncrypted { try hash.update(Self.macOnlyEncryptedInitialization) }
        } catch {
            throw SOPSError(.valueDecryptionFailed, "cannot start the MAC computation: \(error.message)")
        }
    }

    /// Decrypts every document; returns the plaintext documents and the MAC (upper-case hex SHA-512).
    mutating func decrypt(_ branches: SOPSBranches) throws(SOPSError) -> (branches: SOPSBranches, mac: String) {
        var output: SOPSBranches = []
        for (index, branch) in branches.enumerated() {
            document = index
            output.append(try walkMapping(branch, path: [], comments: []))
        }
        let digest: [UInt8]
        do {
            digest = try hash.finalize()
        } catch {
            throw SOPSError(.valueDecryptionFailed, "cannot finish the MAC computation: \(error.message)")
        }
        let hexDigits = Array("0123456789ABCDEF".utf8)
        let mac = String(decoding: digest.flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0x0F)]] }, as: UTF8.self)
        return (output, mac)
    }

    private func failure(_ message: String, _ path: [[UInt8]]) -> SOPSError {
        SOPSError(.valueDecryptionFailed, message, document: document, path: path.map { String(decoding: $0, as: UTF8.self) })
    }

    private mutating func walkMapping(_ items: [SOPSMappingItem], path: [[UInt8]], comments: [[[UInt8]]]) throws(SOPSError) -> [SOPSMappingItem] {
        var stack = comments + [[]]
        var output: [SOPSMappingItem] = []
        output.reserveCapacity(items.count)
        for item in items {
            switch item.key {
            case .comment(let text):
                stack[stack.count - 1].append(text)
                switch try leaf(.comment(text), path: path, comments: stack) {
                case .comment(let plain), .string(let plain): output.append(.comment(plain))
                default: throw failure("an encrypted comment decrypted to a value that is not a comment", path)
                }
            case .nonString(let description):
                throw failure("the tree contains a non-string key (\(description)); only string keys are supported", path)
            case .string(let key):
                let value = try walk(item.value, path: path + [key], comments: stack)
                output.append(SOPSMappingItem(key: item.key, value: value))
                stack[stack.count - 1] = []
            }
        }
        return output
    }

    private mutating func walkSequence(_ items: [SOPSNode], path: [[UInt8]], comments: [[[UInt8]]]) throws(SOPSError) -> [SOPSNode] {
        var stack = comments + [[]]
        var output: [SOPSNode] = []
        output.reserveCapacity(items.count)
        for item in items {
            if case .comment(let text) = item { stack[stack.count - 1].append(text) }
            output.append(try walk(item, path: path, comments: stack))
            if !item.isComment { stack[stack.count - 1] = [] }
        }
        return output
    }

    private mutating func walk(_ node: SOPSNode, path: [[UInt8]], comments: [[[UInt8]]]) throws(SOPSError) -> SOPSNode {
        switch node {
        case .mapping(let items): return .mapping(try walkMapping(items, path: path, comments: comments))
        case .sequence(let items): return .sequence(try walkSequence(items, path: path, comments: comments))
        case .null: return .null
        case .unsignedInteger:
            throw failure("cannot walk value of type uint64 (an integer above 9223372036854775807)", path)
        case .bytes(let bytes): return try leaf(.string(bytes), path: path, comments: comments)
        default: return try leaf(node, path: path, comments: comments)
        }
    }

    private mutating func leaf(_ node: SOPSNode, path: [[UInt8]], comments: [[[UInt8]]]) throws(SOPSError) -> SOPSNode {
        let isComment = node.isComment
        let encrypted = rule.shouldEncrypt(path: path, comments: comments, isComment: isComment)
        var value = node
        if encrypted {
            let additionalData = path.flatMap { $0 + [UInt8(ascii: ":")] }
            let aad = additionalData.isEmpty ? [UInt8(ascii: ":")] : additionalData
            switch node {
            case .comment(let text):
                // A comment that does not decrypt was presumably never encrypted (older sops): keep it.
                value = (try? cipher.decrypt(text, additionalData: aad)) ?? node
            case .string(let text):
                do {
                    value = try cipher.decrypt(text, additionalData: aad)
                } catch {
                    throw failure("could not decrypt value: \(error.message)", path)
                }
            default:
                throw failure("could not decrypt value: expected an encrypted string, found a plain \(Self.typeName(node))", path)
            }
        }
        if !metadata.macOnlyEncrypted || encrypted, !value.isComment {
            guard let bytes = Self.macBytes(value) else {
                throw failure("cannot compute the MAC of a \(Self.typeName(value)) value", path)
            }
            do {
                try hash.update(bytes)
            } catch {
                throw failure("MAC computation failed: \(error.message)", path)
            }
        }
        return value
    }

    /// sops' `ToBytes`: the canonical bytes of a plaintext leaf.
    static func macBytes(_ node: SOPSNode) -> [UInt8]? {
        switch node {
        case .string(let bytes), .bytes(let bytes): return bytes
        case .integer(let value): return Array(String(value).utf8)
        case .float(let value): return Array(GoNumberText.formatFloatPositional(value).utf8)
        case .bool(let value): return Array((value ? "True" : "False").utf8)
        case .time(let value): return value.marshalText.map { Array($0.utf8) }
        case .comment(let bytes): return bytes
        default: return nil
        }
    }

    static func typeName(_ node: SOPSNode) -> String {
        switch node {
        case .mapping: "mapping"
        case .sequence: "list"
        case .string: "string"
        case .integer: "integer"
        case .unsignedInteger: "uint64"
        case .float: "float"
        case .bool: "boolean"
        case .time: "timestamp"
        case .bytes: "bytes"
        case .null: "null"
        case .comment: "comment"
        }
    }
}
