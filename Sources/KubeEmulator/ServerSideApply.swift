/// Server-side apply and managed-fields bookkeeping (a simplified structured-merge-diff).
enum ServerSideApply {
    /// Metadata fields never tracked in managed fields (the apiserver's "stripMeta").
    static let untrackedTopLevel = ["apiVersion", "kind"]
    static let untrackedMetadata = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                                    "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"]

    struct Conflict {
        var entry: ManagedFieldsEntry
        var path: [PathElement]
    }

    /// Which part of the object a write may change: the main resource resets `status` for kinds with
    /// a status subresource; the status subresource changes nothing but `status`.
    enum Scope {
        case whole
        case mainResource
        case statusSubresource

        var subresource: String { self == .statusSubresource ? "status" : "" }

        func trackable(_ set: FieldSet) -> FieldSet {
            let stripped = set.removingFields(topLevel: ServerSideApply.untrackedTopLevel, metadata: ServerSideApply.untrackedMetadata)
            switch self {
            case .whole: return stripped
            case .mainResource: return stripped.removingFields(topLevel: ["status"], metadata: [])
            case .statusSubresource: return stripped.keepingFields(["status"])
            }
        }
    }

    // MARK: merge

    /// Merges an applied configuration into the live object, per the list/map semantics.
    static func merge(_ live: JSONValue, _ config: JSONValue, cursor: SchemaCursor) -> JSONValue {
        switch (live, config) {
        case (.object(var members), .object(let configMembers)) where !cursor.isAtomicMap:
            for (name, value) in configMembers {
                if value.isNull {
                    members.removeValue(forKey: name)
                } else if let existing = members[name] {
                    members[name] = merge(existing, value, cursor: cursor.child(name))
                } else {
                    members[name] = withoutNulls(value)
                }
            }
            return .object(members)
        case (.array(let liveItems), .array(let configItems)):
            switch cursor.listSemantics {
            case .atomic:
                return withoutNulls(config)
            case .set:
                var result = liveItems
                for item in configItems where !result.contains(item) { result.append(item) }
                return .array(result)
            case .map(let keys):
                var result = liveItems
                var positions: [PathElement: Int] = [:]
                for (position, item) in liveItems.enumerated() {
                    if let key = PathElement.key(for: item, keys: keys) { positions[key] = position }
                }
                let itemCursor = cursor.listItem()
                for item in configItems {
                    if let key = PathElement.key(for: item, keys: keys), let position = positions[key] {
                        result[position] = merge(result[position], item, cursor: itemCursor)
                    } else {
                        result.append(withoutNulls(item))
                    }
                }
                return .array(result)
            }
        default:
            return withoutNulls(config)
        }
    }

    static func withoutNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (name, child) in members where !child.isNull { result[name] = withoutNulls(child) }
            return .object(result)
        case .array(let items):
            return .array(items.map(withoutNulls))
        default:
            return value
        }
    }

    // MARK: conflicts

    /// Paths in `owned` whose value an apply would change (the "Modified ∪ Added" of SMD).
    static func conflictingPaths(owned: FieldSet, old: JSONValue?, new: JSONValue?, cursor: SchemaCursor,
                                 prefix: [PathElement] = [], into result: inout [[PathElement]]) {
        if owned.isMember && owned.children.isEmpty && !prefix.isEmpty {
            if let new, old != new { result.append(prefix) }
            return
        }
        for element in owned.children.keys.sorted() {
            let child = owned.children[element]!
            let oldChild = old.flatMap { FieldSet.descend($0, element, cursor) }
            let newChild = new.flatMap { FieldSet.descend($0, element, cursor) }
            let childCursor: SchemaCursor
            if case .field(let name) = element { childCursor = cursor.child(name) } else { childCursor = cursor.listItem() }
            conflictingPaths(owned: child, old: oldChild?.0, new: newChild?.0, cursor: childCursor,
                             prefix: prefix + [element], into: &result)
        }
    }

    static func conflictError(_ conflicts: [Conflict]) -> APIStatusError {
        let causes: [JSONValue] = conflicts.map {
            .object([
                "type": .string("FieldManagerConflict"),
                "message": .string("conflict with \($0.entry.conflictName)"),
                "field": .string(FieldSet.display($0.path)),
            ])
        }
        let message: String
        if conflicts.count == 1 {
            message = "Apply failed with 1 conflict: conflict with \(conflicts[0].entry.conflictName): \(FieldSet.display(conflicts[0].path))"
        } else {
            var byManager: [String: [String]] = [:]
            for conflict in conflicts {
                byManager[conflict.entry.conflictName, default: []].append(FieldSet.display(conflict.path))
            }
            var lines: [String] = []
            for manager in byManager.keys.sorted() {
                lines.append("conflicts with \(manager):")
                lines.append(contentsOf: byManager[manager]!.map { "- \($0)" })
            }
            message = "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
        }
        return APIStatusError(code: 409, reason: "Conflict", message: message, details: .object(["causes": .array(causes)]))
    }

    // MARK: prune

    /// Removes fields in `removed` (previously applied, no longer applied) unless another manager owns them.
    static func prune(_ value: inout JSONValue, removed: FieldSet, others: FieldSet?, cursor: SchemaCursor) {
        for element in removed.children.keys.sorted() {
            let removal = removed.children[element]!
            let otherOwned = others?.children[element]
            guard let (childValue, childCursor) = FieldSet.descend(value, element, cursor) else { continue }
            if removal.isMember && (otherOwned == nil || otherOwned!.isEmpty) {
                remove(element, from: &value, cursor: cursor)
                continue
            }
            guard !removal.children.isEmpty else { continue }
            var updated = childValue
            prune(&updated, removed: removal, others: otherOwned, cursor: childCursor)
            if updated.isObject && updated.isEmptyContainer && !childValue.isEmptyContainer && otherOwned == nil {
                remove(element, from: &value, cursor: cursor)
            } else {
                replace(element, in: &value, with: updated, cursor: cursor)
            }
        }
    }

    private static func remove(_ element: PathElement, from value: inout JSONValue, cursor: SchemaCursor) {
        switch (element, value) {
        case (.field(let name), _):
            value.removeMember(name)
        case (.key, .array(let items)):
            guard case .map(let keys) = cursor.listSemantics else { return }
            value = .array(items.filter { PathElement.key(for: $0, keys: keys) != element })
        case (.value(let json), .array(let items)):
            value = .array(items.filter { JSONSerializer.string($0) != json })
        case (.index(let position), .array(var items)):
            if position < items.count { items.remove(at: position) }
            value = .array(items)
        default:
            break
        }
    }

    private static func replace(_ element: PathElement, in value: inout JSONValue, with child: JSONValue, cursor: SchemaCursor) {
        switch (element, value) {
        case (.field(let name), _):
            value[name] = child
        case (.key, .array(var items)):
            guard case .map(let keys) = cursor.listSemantics else { return }
            for position in items.indices where PathElement.key(for: items[position], keys: keys) == element {
                items[position] = child
            }
            value = .array(items)
        case (.index(let position), .array(var items)):
            if position < items.count { items[position] = child }
            value = .array(items)
        default:
            break
        }
    }

    // MARK: operations

    /// Applies `config` for `manager`; returns the merged object and the new managed-fields entries.
    static func apply(live: JSONValue, entries: [ManagedFieldsEntry], config: JSONValue, manager: String, apiVersion: String,
                      force: Bool, scope: Scope, cursor: SchemaCursor, now: String) throws(APIStatusError) -> (JSONValue, [ManagedFieldsEntry]) {
        var effectiveConfig = config
        switch scope {
        case .whole: break
        case .mainResource: effectiveConfig.removeMember("status")
        case .statusSubresource:
            effectiveConfig = .object([:])
            if !config["status"].isNull { effectiveConfig["status"] = config["status"] }
        }
        let configSet = scope.trackable(FieldSetBuilder.applied(effectiveConfig, cursor: cursor))
        var merged = merge(live, effectiveConfig, cursor: cursor)
        // Keep identity fields from the live object.
        merged["apiVersion"] = live["apiVersion"].isNull ? config["apiVersion"] : live["apiVersion"]
        merged["kind"] = live["kind"].isNull ? config["kind"] : live["kind"]

        var updated = entries
        let mine = updated.firstIndex { $0.hasIdentity(manager: manager, operation: .apply, apiVersion: apiVersion, subresource: scope.subresource) }
        var conflicts: [Conflict] = []
        for (position, entry) in updated.enumerated() where position != mine {
            var paths: [[PathElement]] = []
            conflictingPaths(owned: entry.fields.intersection(configSet), old: live, new: merged, cursor: cursor, into: &paths)
            conflicts.append(contentsOf: paths.map { Conflict(entry: entry, path: $0) })
        }
        if !conflicts.isEmpty {
            if !force { throw conflictError(conflicts) }
            for position in updated.indices where position != mine {
                var lost = FieldSet()
                for conflict in conflicts where conflict.entry == updated[position] {
                    lost = lost.union(pathSet(conflict.path))
                }
                updated[position].fields = updated[position].fields.subtracting(lost)
            }
        }

        let previous = mine.map { updated[$0].fields } ?? FieldSet()
        let removed = previous.subtracting(configSet)
        if !removed.isEmpty {
            var others = FieldSet()
            for (position, entry) in updated.enumerated() where position != mine { others = others.union(entry.fields) }
            prune(&merged, removed: removed, others: others, cursor: cursor)
        }

        if let mine {
            if updated[mine].fields != configSet {
                updated[mine].fields = configSet
                updated[mine].time = now
            }
            updated[mine].apiVersion = apiVersion
        } else {
            updated.append(ManagedFieldsEntry(manager: manager, operation: .apply, apiVersion: apiVersion, time: now,
                                              subresource: scope.subresource, fields: configSet))
        }
        return (merged, updated)
    }

    /// Records a non-apply write by `manager`: it takes the fields it changed from everyone else.
    static func recordUpdate(old: JSONValue?, new: JSONValue, entries: [ManagedFieldsEntry], manager: String, apiVersion: String,
                             scope: Scope, cursor: SchemaCursor, now: String) -> [ManagedFieldsEntry] {
        let changed = scope.trackable(FieldSetBuilder.changed(from: old, to: new, cursor: cursor))
        var updated = entries
        if !changed.isEmpty {
            for position in updated.indices {
                updated[position].fields = updated[position].fields.subtracting(changed)
            }
            if let mine = updated.firstIndex(where: { $0.hasIdentity(manager: manager, operation: .update, apiVersion: apiVersion, subresource: scope.subresource) }) {
                updated[mine].fields = updated[mine].fields.union(changed)
                updated[mine].time = now
            } else {
                updated.append(ManagedFieldsEntry(manager: manager, operation: .update, apiVersion: apiVersion, time: now,
                                                  subresource: scope.subresource, fields: changed))
            }
        }
        return updated
    }

    /// Drops ownership of vanished fields and entries that own nothing.
    static func tidy(_ entries: [ManagedFieldsEntry], object: JSONValue, cursor: SchemaCursor) -> [ManagedFieldsEntry] {
        entries.compactMap { entry in
            var copy = entry
            copy.fields = entry.fields.restricted(to: object, cursor: cursor)
            return copy.fields.isEmpty ? nil : copy
        }
    }

    static func pathSet(_ path: [PathElement]) -> FieldSet {
        var node = FieldSet(isMember: true)
        for element in path.reversed() {
            var parent = FieldSet()
            parent.children[element] = node
            node = parent
        }
        return node
    }
}
