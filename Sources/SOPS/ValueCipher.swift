import CryptoPrimitives
import YAML

/// Decrypts single `ENC[...]` values with the data key (AES-256-GCM, AAD = key path) and turns
/// the plaintext into a typed value the way sops' `aes.Cipher.Decrypt` does.
struct ValueCipher {
    /// Why a value did not decrypt; the text never contains the value (it may be plaintext).
    struct Failure: Error {
        var message: String
    }

    let dataKey: SecureBytes

    /// Decrypts a value string. An empty string stays an empty string, as in sops.
    func decrypt(_ value: [UInt8], additionalData: [UInt8]) throws(Failure) -> SOPSNode {
        if value.isEmpty { return .string([]) }
        let encrypted: EncryptedValue
        do {
            encrypted = try EncryptedValue.parse(value)
        } catch {
            switch error {
            case .notSOPSFormat:
                throw Failure(message: "the value does not match sops' data format (ENC[AES256_GCM,data:…,iv:…,tag:…,type:…])")
            case .invalidBase64(let field):
                throw Failure(message: "the \(field) field of the encrypted value is not valid base64")
            }
        }
        let plaintext: SecureBytes
        do {
            plaintext = try AESGCM.open(
                key: dataKey, nonce: encrypted.iv, ciphertext: encrypted.data, tag: encrypted.tag, additionalData: additionalData)
        } catch {
            throw Failure(message: "AES-GCM authentication failed: the value, its key path or the data key does not match")
        }
        return try Self.typed(Array(plaintext), type: encrypted.type)
    }

    /// The value for decrypted plaintext of a given `type:` tag.
    static func typed(_ plaintext: [UInt8], type: String) throws(Failure) -> SOPSNode {
        let text = String(decoding: plaintext, as: UTF8.self)
        switch type {
        case "str":
            return .string(plaintext)
        case "int":
            guard let value = GoNumberText.atoi(text) else { throw Failure(message: "the decrypted int value is not a decimal integer") }
            return .integer(value)
        case "float":
            guard let value = GoNumberText.parseFloat(text) else { throw Failure(message: "the decrypted float value is not a number") }
            return .float(value)
        case "bytes":
            return .bytes(plaintext)
        case "bool":
            guard let value = GoNumberText.parseBool(text) else { throw Failure(message: "the decrypted bool value is not a boolean") }
            return .bool(value)
        case "time":
            guard let value = YAMLTimestamp.parseRFC3339(text) else { throw Failure(message: "the decrypted time value is not an RFC 3339 timestamp") }
            return .time(value)
        case "comment":
            return .comment(plaintext)
        default:
            let shown = type.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) && type.count <= 32 ? type : "(unprintable)"
            throw Failure(message: "unknown value type \"\(shown)\"")
        }
    }
}
