import CryptoPrimitives

/// An age X25519 recipient (public key), written `age1…` in lower-case Bech32.
public struct AgeX25519Recipient: Sendable, Hashable, CustomStringConvertible {
    /// The 32-byte X25519 public key.
    public let publicKey: [UInt8]

    /// Parses an `age1…` recipient. Plugin, SSH and post-quantum recipients are refused with
    /// `unsupportedRecipient`; anything else invalid with `malformedRecipient`.
    public init(_ encoded: String) throws(AgeError) {
        let text = encoded.trimmingASCIIWhitespace()
        if text.hasPrefix("ssh-ed25519 ") || text.hasPrefix("ssh-rsa ") {
            throw AgeError(.unsupportedRecipient, "SSH recipients (ssh-ed25519, ssh-rsa) are not supported; use an age1… X25519 recipient")
        }
        let decoded: (humanReadablePart: String, data: [UInt8])
        do {
            decoded = try Bech32.decode(text)
        } catch {
            throw AgeError(.malformedRecipient, "not a valid age recipient: \(error.explanation)")
        }
        switch decoded.humanReadablePart {
        case "age":
            break
        case "age1pq":
            throw AgeError(.unsupportedRecipient, "post-quantum age recipients (age1pq1…) are not supported")
        case let other where other.hasPrefix("age1"):
            throw AgeError(.unsupportedRecipient, "age plugin recipients (age1<plugin>1…) are not supported")
        case "AGE":
            throw AgeError(.malformedRecipient, "an age recipient must be written in lower case (age1…)")
        default:
            throw AgeError(.malformedRecipient, "not an age recipient: expected the prefix age1")
        }
        guard decoded.data.count == X25519.byteCount else {
            throw AgeError(.malformedRecipient, "an age X25519 recipient holds 32 bytes, this one \(decoded.data.count)")
        }
        self.publicKey = decoded.data
    }

    /// A recipient for a raw 32-byte X25519 public key.
    public init(publicKey: [UInt8]) throws(AgeError) {
        guard publicKey.count == X25519.byteCount else {
            throw AgeError(.malformedRecipient, "an X25519 public key is 32 bytes, got \(publicKey.count)")
        }
        self.publicKey = publicKey
    }

    /// The `age1…` string.
    public var encoded: String { Bech32.encode(humanReadablePart: "age", data: publicKey) }

    public var description: String { encoded }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0x0b || $0 == 0x0c }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
