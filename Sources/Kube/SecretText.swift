/// A credential string (token, password, PEM key) that never prints: `description`, `debugDescription`
/// and reflection (`dump`) show only that it is redacted.
public struct SecretText: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The credential itself; only for building request headers or TLS material.
    public let value: String

    public init(_ value: String) { self.value = value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
