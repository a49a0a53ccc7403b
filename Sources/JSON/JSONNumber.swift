/// A JSON number kept as its literal text; conversions happen only when a caller asks.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written in the source (or as produced by an initializer).
    public let literal: String

    /// Wraps literal text that the caller has already validated as a JSON number.
    public init(literal: String) {
        self.literal = literal
    }

    public init(_ value: Int) {
        literal = String(value)
    }

    public init(_ value: Int64) {
        literal = String(value)
    }

    /// A double written in the shortest form that round-trips; non-finite values are not JSON.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 1e15 {
            literal = String(Int64(value))
        } else {
            literal = "\(value)"
        }
    }

    /// The value as a 64-bit integer when the literal is an integer in range.
    public var int64Value: Int64? { Int64(literal) }

    public var intValue: Int? { Int(literal) }

    public var doubleValue: Double? { Double(literal) }

    /// True when the literal has no fraction or exponent part.
    public var isInteger: Bool {
        !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
    }

    public var description: String { literal }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.literal == rhs.literal { return true }
        if let left = lhs.int64Value, let right = rhs.int64Value { return left == right }
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return false
    }

    public func hash(into hasher: inout Hasher) {
        if let value = doubleValue {
            hasher.combine(value)
        } else {
            hasher.combine(literal)
        }
    }
}
