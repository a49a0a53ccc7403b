#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An ordered list of header fields with case-insensitive name lookup; repeated names keep every value.
///
/// `description` lists names only and redacts credentials, so headers are safe to log.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field as sent or received.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value for `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value for `name` (case-insensitive), in order of appearance.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` (case-insensitive) is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping existing ones with the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name`, then appends one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name)
        add(name: name, value: value)
    }

    /// Removes every field named `name` (case-insensitive).
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Sets `Authorization: Bearer <token>`.
    public mutating func setBearerToken(_ token: String) {
        replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
    }

    /// Sets `Authorization: Basic base64(username:password)`.
    public mutating func setBasicAuthorization(username: String, password: String) {
        let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
        replaceOrAdd(name: "Authorization", value: "Basic \(encoded)")
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Header names whose values are credentials and never printed.
    static let sensitiveNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
        "x-vault-token", "x-auth-token",
    ]

    public var description: String {
        let rendered = fields.map { field in
            Self.sensitiveNames.contains(field.name.lowercased())
                ? "\(field.name): <redacted>" : "\(field.name): \(field.value)"
        }
        return "[" + rendered.joined(separator: ", ") + "]"
    }

    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.lowercased() == rhs.lowercased()
    }

    /// Appends a raw header line from the wire; continuation lines (obsolete folding) extend the
    /// previous value.
    mutating func appendWireLine(_ line: Substring) {
        if let first = line.first, first == " " || first == "\t" {
            if !fields.isEmpty {
                let continuation = line.trimmingHTTPWhitespace()
                fields[fields.count - 1].value += " " + continuation
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...].trimmingHTTPWhitespace())
        fields.append(Field(name: name, value: value))
    }
}

extension StringProtocol {
    func trimmingHTTPWhitespace() -> Substring {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" || first.isNewline {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == " " || last == "\t" || last.isNewline {
            slice = slice.dropLast()
        }
        return Substring(slice)
    }
}
