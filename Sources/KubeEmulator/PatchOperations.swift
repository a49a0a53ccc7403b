import Foundation

/// The non-apply PATCH flavours: JSON merge patch, strategic merge patch, JSON patch.
enum PatchOperations {
    /// RFC 7386 JSON merge patch.
    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (name, value) in patchMembers {
            if value.isNull {
                result.removeValue(forKey: name)
            } else {
                result[name] = mergePatch(result[name] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// Strategic merge patch: maps merge recursively (null deletes), lists with a known merge key
    /// merge by that key, other lists are replaced; supports `$patch: replace|delete` in maps and
    /// list items and `$deleteFromPrimitiveList/<field>`.
    static func strategicMergePatch(_ target: JSONValue, _ patch: JSONValue, cursor: SchemaCursor) throws(APIStatusError) -> JSONValue {
        guard case .object(var patchMembers) = patch else { return patch }
        if let directive = patchMembers["$patch"]?.stringValue {
            patchMembers.removeValue(forKey: "$patch")
            switch directive {
            case "replace": return ServerSideApply.withoutNulls(.object(patchMembers))
            case "delete": return .null
            default: throw .badRequest("unknown patch type: \(directive)")
            }
        }
        var result = target.objectValue ?? [:]
        for (name, value) in patchMembers {
            if name.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(name.dropFirst("$deleteFromPrimitiveList/".count))
                let doomed = value.arrayValue ?? []
                if let items = result[field]?.arrayValue { result[field] = .array(items.filter { !doomed.contains($0) }) }
                continue
            }
            if name.hasPrefix("$setElementOrder/") || name == "$retainKeys" { continue }
            if value.isNull {
                result.removeValue(forKey: name)
                continue
            }
            let childCursor = cursor.child(name)
            switch value {
            case .object:
                let existing = result[name] ?? .null
                let merged = childCursor.isAtomicMap ? value : try strategicMergePatch(existing.isObject ? existing : .object([:]), value, cursor: childCursor)
                if merged.isNull { result.removeValue(forKey: name) } else { result[name] = merged }
            case .array(let items):
                if let key = SchemaHints.strategicMergeKey(childCursor.listSemantics), case .array(var existing) = result[name] ?? .null {
                    for item in items {
                        let itemKey = item[key]
                        let directive = item["$patch"].stringValue
                        if let position = existing.firstIndex(where: { $0[key] == itemKey && !itemKey.isNull }) {
                            if directive == "delete" {
                                existing.remove(at: position)
                            } else {
                                existing[position] = try strategicMergePatch(existing[position], item, cursor: childCursor.listItem())
                            }
                        } else if directive != "delete" {
                            existing.append(ServerSideApply.withoutNulls(item))
                        }
                    }
                    result[name] = .array(existing)
                } else {
                    result[name] = ServerSideApply.withoutNulls(value)
                }
            default:
                result[name] = value
            }
        }
        return .object(result)
    }

    /// RFC 6902 JSON patch (add, remove, replace, move, copy, test).
    static func jsonPatch(_ target: JSONValue, _ patch: JSONValue) throws(APIStatusError) -> JSONValue {
        guard case .array(let operations) = patch else { throw .badRequest("json patch must be an array of operations") }
        var document = target
        for operation in operations {
            guard let op = operation["op"].stringValue, let path = operation["path"].stringValue else {
                throw .badRequest("json patch operation needs op and path")
            }
            let pointer = try parsePointer(path)
            switch op {
            case "add": document = try modify(document, pointer[...], mode: .add(operation["value"]))
            case "remove": document = try modify(document, pointer[...], mode: .remove)
            case "replace": document = try modify(document, pointer[...], mode: .replace(operation["value"]))
            case "test":
                guard value(document, pointer[...]) == operation["value"] else {
                    throw APIStatusError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: testing value \(path) failed")
                }
            case "move", "copy":
                guard let from = operation["from"].stringValue else { throw .badRequest("json patch \(op) needs from") }
                let fromPointer = try parsePointer(from)
                guard let moved = value(document, fromPointer[...]) else { throw .badRequest("json patch: missing value at \(from)") }
                if op == "move" { document = try modify(document, fromPointer[...], mode: .remove) }
                document = try modify(document, pointer[...], mode: .add(moved))
            default:
                throw .badRequest("Unexpected kind: \(op)")
            }
        }
        return document
    }

    private enum Mode {
        case add(JSONValue)
        case replace(JSONValue)
        case remove
    }

    private static func parsePointer(_ path: String) throws(APIStatusError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw .badRequest("invalid JSON pointer \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func value(_ document: JSONValue, _ pointer: ArraySlice<String>) -> JSONValue? {
        guard let first = pointer.first else { return document }
        switch document {
        case .object(let members):
            guard let child = members[first] else { return nil }
            return value(child, pointer.dropFirst())
        case .array(let items):
            guard let position = Int(first), position >= 0, position < items.count else { return nil }
            return value(items[position], pointer.dropFirst())
        default:
            return nil
        }
    }

    private static func modify(_ document: JSONValue, _ pointer: ArraySlice<String>, mode: Mode) throws(APIStatusError) -> JSONValue {
        guard let first = pointer.first else {
            switch mode {
            case .add(let value), .replace(let value): return value
            case .remove: throw .badRequest("json patch cannot remove the whole document")
            }
        }
        let last = pointer.count == 1
        switch document {
        case .object(var members):
            if last {
                switch mode {
                case .add(let value): members[first] = value
                case .replace(let value):
                    guard members[first] != nil else { throw .badRequest("replace operation does not apply: doc is missing key: /\(pointer.joined(separator: "/"))") }
                    members[first] = value
                case .remove:
                    guard members[first] != nil else { throw .badRequest("remove operation does not apply: doc is missing path: /\(pointer.joined(separator: "/"))") }
                    members.removeValue(forKey: first)
                }
            } else {
                guard let child = members[first] else { throw .badRequest("doc is missing path: /\(pointer.joined(separator: "/"))") }
                members[first] = try modify(child, pointer.dropFirst(), mode: mode)
            }
            return .object(members)
        case .array(var items):
            if last {
                let position = first == "-" ? items.count : (Int(first) ?? -1)
                switch mode {
                case .add(let value):
                    guard position >= 0, position <= items.count else { throw .badRequest("json patch index out of range: \(first)") }
                    items.insert(value, at: position)
                case .replace(let value):
                    guard position >= 0, position < items.count else { throw .badRequest("json patch index out of range: \(first)") }
                    items[position] = value
                case .remove:
                    guard position >= 0, position < items.count else { throw .badRequest("json patch index out of range: \(first)") }
                    items.remove(at: position)
                }
            } else {
                guard let position = Int(first), position >= 0, position < items.count else { throw .badRequest("json patch index out of range: \(first)") }
                items[position] = try modify(items[position], pointer.dropFirst(), mode: mode)
            }
            return .array(items)
        default:
            throw .badRequest("json patch path traverses a scalar: /\(pointer.joined(separator: "/"))")
        }
    }
}
