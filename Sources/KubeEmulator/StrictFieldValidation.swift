/// `fieldValidation=Strict` where the emulator knows the schema: custom resources whose
/// structural schema does not preserve unknown fields.
enum StrictFieldValidation {
    static func check(_ object: JSONValue, cursor: SchemaCursor, definition: ResourceDefinition) throws(APIStatusError) {
        var unknown: [String] = []
        walk(object, cursor: cursor, path: "", into: &unknown)
        guard !unknown.isEmpty else { return }
        let fields = unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
        throw APIStatusError.badRequest("\(definition.kind) in version \"\(cursor.versionName)\" cannot be handled as a \(definition.kind): strict decoding error: \(fields)")
    }

    private static func walk(_ value: JSONValue, cursor: SchemaCursor, path: String, into unknown: inout [String]) {
        switch value {
        case .object(let members):
            for name in members.keys.sorted() {
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                if cursor.rejectsUnknownField(name) {
                    unknown.append(childPath)
                } else {
                    walk(members[name]!, cursor: cursor.child(name), path: childPath, into: &unknown)
                }
            }
        case .array(let items):
            for (position, item) in items.enumerated() {
                walk(item, cursor: cursor.listItem(), path: "\(path)[\(position)]", into: &unknown)
            }
        default:
            break
        }
    }
}

extension StrictFieldValidation {
    /// Drops fields a custom resource's structural schema does not declare (the apiserver's pruning).
    static func pruneUnknownFields(_ value: inout JSONValue, cursor: SchemaCursor) {
        switch value {
        case .object(var members):
            for name in Array(members.keys) {
                if cursor.rejectsUnknownField(name) {
                    members.removeValue(forKey: name)
                } else if name != "metadata" || !cursor.isRoot {
                    pruneUnknownFields(&members[name]!, cursor: cursor.child(name))
                }
            }
            value = .object(members)
        case .array(var items):
            let itemCursor = cursor.listItem()
            for position in items.indices { pruneUnknownFields(&items[position], cursor: itemCursor) }
            value = .array(items)
        default:
            break
        }
    }
}
