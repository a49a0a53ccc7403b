/// One recipient stanza of an age header: `-> TYPE ARG…` followed by a base64 body.
struct AgeStanza: Sendable {
    let type: String
    let arguments: [String]
    let body: [UInt8]

    /// The stanza's text form, body wrapped at 64 columns and always ended by a short line.
    func encoded() -> [UInt8] {
        var output = Array("->".utf8)
        for argument in [type] + arguments {
            output.append(UInt8(ascii: " "))
            output.append(contentsOf: argument.utf8)
        }
        output.append(UInt8(ascii: "\n"))
        let text = Base64.encode(body, padded: false)
        var index = 0
        while index + 64 <= text.count {
            output.append(contentsOf: text[index..<(index + 64)])
            output.append(UInt8(ascii: "\n"))
            index += 64
        }
        output.append(contentsOf: text[index...])
        output.append(UInt8(ascii: "\n"))
        return output
    }
}

/// The validated arguments of the stanza types this implementation understands.
enum KnownStanza {
    static let x25519Type = "X25519"
    static let scryptType = "scrypt"

    /// `-> X25519 <share>`: a 32-byte ephemeral share and a 32-byte wrapped file key.
    struct X25519Stanza {
        let share: [UInt8]
        let body: [UInt8]
    }

    /// `-> scrypt <salt> <log2 N>`: a 16-byte salt, the work factor, a 32-byte wrapped file key.
    struct ScryptStanza {
        let salt: [UInt8]
        let workFactor: Int
        let body: [UInt8]
    }

    static func x25519(_ stanza: AgeStanza) throws(AgeError) -> X25519Stanza {
        guard stanza.arguments.count == 1 else {
            throw AgeError(.malformedHeader, "an X25519 stanza must have exactly one argument, it has \(stanza.arguments.count)")
        }
        guard let share = Base64.decode(stanza.arguments[0], padded: false), share.count == 32 else {
            throw AgeError(.malformedHeader, "the X25519 stanza's share is not 32 bytes of canonical base64")
        }
        guard stanza.body.count == 32 else {
            throw AgeError(.malformedHeader, "the X25519 stanza's body must be 32 bytes (a 16-byte file key and its tag), it is \(stanza.body.count)")
        }
        return X25519Stanza(share: share, body: stanza.body)
    }

    static func scrypt(_ stanza: AgeStanza) throws(AgeError) -> ScryptStanza {
        guard stanza.arguments.count == 2 else {
            throw AgeError(.malformedHeader, "an scrypt stanza must have exactly two arguments, it has \(stanza.arguments.count)")
        }
        guard let salt = Base64.decode(stanza.arguments[0], padded: false), salt.count == 16 else {
            throw AgeError(.malformedHeader, "the scrypt stanza's salt is not 16 bytes of canonical base64")
        }
        let digits = Array(stanza.arguments[1].utf8)
        guard let first = digits.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"),
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count <= 9, let workFactor = Int(stanza.arguments[1])
        else {
            throw AgeError(.malformedHeader, "the scrypt stanza's work factor must be a decimal number without leading zeros")
        }
        guard stanza.body.count == 32 else {
            throw AgeError(.malformedHeader, "the scrypt stanza's body must be 32 bytes (a 16-byte file key and its tag), it is \(stanza.body.count)")
        }
        return ScryptStanza(salt: salt, workFactor: workFactor, body: stanza.body)
    }
}
