import JSON

/// A deterministic generator so failures reproduce.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

public enum RandomJSON {
    public static let strings = ["", "a", "with space", "üñíçødé", "quote\"back\\slash", "line\nbreak", "tab\t", "\u{01}", "😀", "<&>", "123"]

    public static func value(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(JSONNumber(Int.random(in: -1_000_000...1_000_000, using: &generator)))
        case 3: return .number(JSONNumber(Double.random(in: -1e6...1e6, using: &generator))!)
        case 4: return .string(strings.randomElement(using: &generator)! + String(Int.random(in: 0..<10, using: &generator)))
        case 5: return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in value(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for index in 0..<Int.random(in: 0..<4, using: &generator) {
                object[strings.randomElement(using: &generator)! + "\(index)"] = value(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }
}
