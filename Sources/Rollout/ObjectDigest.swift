#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import JSON

/// A stable digest of an object as applied (keys sorted), stored in the inventory so a pass can
/// tell that the desired object has not changed since the last apply.
enum ObjectDigest {
    static func of(_ object: JSONObject) -> String {
        of(bytes: JSONSerializer(sortKeys: true).serialize(.object(object)))
    }

    static func of(text: String) -> String {
        of(bytes: Array(text.utf8))
    }

    static func of(bytes: [UInt8]) -> String {
        let digest = (try? Hash.compute(.sha256, bytes)) ?? []
        return "sha256:" + digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

/// Whether every field of `desired` has the same value in `live` — what server-side apply of
/// `desired` would leave unchanged. Lists must match element by element; extra fields the
/// server defaulted inside the live object are allowed.
enum LiveObjectComparison {
    /// Whether applying `desired` would leave `live` as it is. A Secret's write-only
    /// `stringData` is compared through the base64 `data` the server stores it as.
    static func isUnchanged(_ desired: JSONObject, live: JSONObject) -> Bool {
        var wanted = desired
        if desired["kind"]?.stringValue == "Secret", desired["apiVersion"]?.stringValue == "v1",
            case .object(let stringData)? = desired["stringData"]
        {
            var data = desired["data"]?.objectValue ?? JSONObject()
            for (key, value) in stringData {
                guard let text = value.stringValue else { return false }
                data[key] = .string(Data(text.utf8).base64EncodedString())
            }
            wanted.removeValue(forKey: "stringData")
            wanted["data"] = .object(data)
        }
        return liveContains(.object(wanted), .object(live))
    }

    static func liveContains(_ desired: JSONValue, _ live: JSONValue) -> Bool {
        switch (desired, live) {
        case (.object(let wanted), .object(let present)):
            for (key, value) in wanted {
                guard let presentValue = present[key] else {
                    if value.isNull { continue }
                    return false
                }
                if !liveContains(value, presentValue) { return false }
            }
            return true
        case (.array(let wanted), .array(let present)):
            guard wanted.count == present.count else { return false }
            return zip(wanted, present).allSatisfy { liveContains($0, $1) }
        case (.number(let wanted), .string(let present)):
            return wanted.literal == present
        default:
            return desired == live
        }
    }
}
