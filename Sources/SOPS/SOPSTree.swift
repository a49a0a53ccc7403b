import YAML

/// One value of a SOPS tree, typed the way sops' Go code types it after a store parsed it
/// (strings are bytes, as Go strings are: the binary, dotenv and INI stores carry any bytes).
public enum SOPSNode: Sendable, Equatable {
    /// An ordered mapping; comments are items with a comment key.
    case mapping([SOPSMappingItem])
    /// A list; comments are `.comment` elements.
    case sequence([SOPSNode])
    case string([UInt8])
    /// A Go `int` (64 bits).
    case integer(Int64)
    /// A YAML integer above `Int64.max`: go-yaml yields `uint64`, which sops cannot walk.
    case unsignedInteger(UInt64)
    case float(Double)
    case bool(Bool)
    case time(YAMLTimestamp)
    /// Raw bytes (`type:bytes`); never produced by current sops.
    case bytes([UInt8])
    case null
    /// A comment line (text after `#` or `;`).
    case comment([UInt8])

    /// A UTF-8 string value.
    public static func text(_ string: String) -> SOPSNode { .string(Array(string.utf8)) }

    var isComment: Bool {
        if case .comment = self { return true }
        return false
    }
}

/// A mapping key: a string, a comment line standing in the mapping, or a key sops cannot walk.
public enum SOPSKey: Sendable, Equatable {
    case string([UInt8])
    case comment([UInt8])
    /// A YAML key that does not decode to a string (`1:`, `true:`, a sequence …); described for errors.
    case nonString(String)

    public static func text(_ string: String) -> SOPSKey { .string(Array(string.utf8)) }

    var stringBytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        return nil
    }

    var isComment: Bool {
        if case .comment = self { return true }
        return false
    }
}

public struct SOPSMappingItem: Sendable, Equatable {
    public var key: SOPSKey
    public var value: SOPSNode

    public init(key: SOPSKey, value: SOPSNode) {
        self.key = key
        self.value = value
    }

    /// A comment line standing in a mapping.
    public static func comment(_ text: [UInt8]) -> SOPSMappingItem {
        SOPSMappingItem(key: .comment(text), value: .null)
    }
}

/// The documents of a file ("branches" in sops); YAML may have several, other stores one.
public typealias SOPSBranches = [[SOPSMappingItem]]

extension Array where Element == SOPSMappingItem {
    /// The value of the first item with this string key.
    func value(forKey key: String) -> SOPSNode? {
        let bytes = [UInt8](key.utf8)
        return first(where: { $0.key.stringBytes == bytes })?.value
    }

    /// Removes every item whose key is this string.
    mutating func removeItems(withKey key: String) {
        let bytes = [UInt8](key.utf8)
        removeAll { $0.key.stringBytes == bytes }
    }
}
