/// Computes field sets from object values the way structured-merge-diff does.
enum FieldSetBuilder {
    /// The set of fields an applied configuration specifies (`TypedValue.ToFieldSet`): leaves,
    /// list items (as members with their fields), set values, atomic lists/maps, empty maps and nulls.
    static func applied(_ value: JSONValue, cursor: SchemaCursor) -> FieldSet {
        var root = node(value, cursor: cursor)
        root.isMember = false
        return root
    }

    private static func node(_ value: JSONValue, cursor: SchemaCursor) -> FieldSet {
        switch value {
        case .object(let members):
            if cursor.isAtomicMap { return FieldSet(isMember: true) }
            var result = FieldSet()
            for (name, child) in members {
                var childSet = node(child, cursor: cursor.child(name))
                if child.isNull || (child.isObject && child.isEmptyContainer) { childSet.isMember = true }
                if !childSet.isEmpty { result.children[.field(name)] = childSet }
            }
            return result
        case .array(let items):
            switch cursor.listSemantics {
            case .atomic:
                return FieldSet(isMember: true)
            case .set:
                var result = FieldSet()
                for item in items { result.children[.value(JSONSerializer.string(item))] = FieldSet(isMember: true) }
                return result
            case .map(let keys):
                var result = FieldSet()
                let itemCursor = cursor.listItem()
                for (position, item) in items.enumerated() {
                    var itemSet = node(item, cursor: itemCursor)
                    itemSet.isMember = true
                    result.children[PathElement.key(for: item, keys: keys) ?? .index(position)] = itemSet
                }
                return result
            }
        default:
            return FieldSet(isMember: true)
        }
    }

    /// Fields added or modified between `old` and `new` (what an Update operation takes ownership
    /// of); maps and list items that did not exist before become members themselves (`.`).
    static func changed(from old: JSONValue?, to new: JSONValue, cursor: SchemaCursor) -> FieldSet {
        var root = changedNode(old, new, cursor: cursor)
        root.isMember = false
        return root
    }

    private static func changedNode(_ old: JSONValue?, _ new: JSONValue, cursor: SchemaCursor) -> FieldSet {
        if let old, old == new { return FieldSet() }
        switch new {
        case .object(let members):
            if cursor.isAtomicMap { return FieldSet(isMember: true) }
            var result = FieldSet()
            let oldMembers = old?.objectValue
            if oldMembers == nil { result.isMember = true }
            for (name, child) in members {
                let childSet = changedNode(oldMembers?[name], child, cursor: cursor.child(name))
                if !childSet.isEmpty { result.children[.field(name)] = childSet }
            }
            return result
        case .array(let items):
            switch cursor.listSemantics {
            case .atomic:
                return FieldSet(isMember: true)
            case .set:
                var result = FieldSet()
                let oldItems = old?.arrayValue ?? []
                for item in items where !oldItems.contains(item) {
                    result.children[.value(JSONSerializer.string(item))] = FieldSet(isMember: true)
                }
                return result
            case .map(let keys):
                var result = FieldSet()
                let itemCursor = cursor.listItem()
                var oldByKey: [PathElement: JSONValue] = [:]
                for item in old?.arrayValue ?? [] {
                    if let key = PathElement.key(for: item, keys: keys) { oldByKey[key] = item }
                }
                for (position, item) in items.enumerated() {
                    let key = PathElement.key(for: item, keys: keys) ?? .index(position)
                    var itemSet = changedNode(oldByKey[key], item, cursor: itemCursor)
                    if oldByKey[key] == nil { itemSet.isMember = true }
                    if !itemSet.isEmpty { result.children[key] = itemSet }
                }
                return result
            }
        default:
            return FieldSet(isMember: true)
        }
    }
}
