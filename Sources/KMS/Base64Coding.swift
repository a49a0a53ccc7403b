#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Standard and URL-safe base64 as the services use them (`enc` fields, JWTs, API bodies).
enum Base64Coding {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// URL-safe alphabet without padding (RFC 4648 §5), as JWTs and Azure Key Vault use it.
    static func encodeURL(_ bytes: some Sequence<UInt8>) -> String {
        var text = encode(bytes)
        text = text.replacing("+", with: "-").replacing("/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decodes standard base64 (padding required, as Go's `StdEncoding`); `nil` when malformed.
    static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { Array($0) }
    }

    /// Decodes URL-safe or standard base64, with or without padding; `nil` when malformed.
    static func decodeLenient(_ text: String) -> [UInt8]? {
        var normalized = text.trimmingWhitespace().replacing("-", with: "+").replacing("_", with: "/")
        guard !normalized.contains("=") || normalized.hasSuffix("=") else { return nil }
        while normalized.hasSuffix("=") { normalized.removeLast() }
        switch normalized.utf8.count % 4 {
        case 1: return nil
        case 2: normalized += "=="
        case 3: normalized += "="
        default: break
        }
        return decode(normalized)
    }
}
