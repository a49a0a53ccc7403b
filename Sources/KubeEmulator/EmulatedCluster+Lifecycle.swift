import Foundation

/// Who owns the fields a write changes.
enum FieldOwnership {
    /// Entries already computed by server-side apply.
    case apply([ManagedFieldsEntry])
    /// A non-apply write by this manager.
    case update(manager: String)
    /// The client replaced `managedFields` explicitly.
    case explicit([ManagedFieldsEntry])
}

extension EmulatedCluster {
    static let namespacesResource = GroupResource(group: "", resource: "namespaces")
    static let crdResource = GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions")

    func stored(_ resource: GroupResource, _ name: ObjectName) -> StoredObject? {
        objects[resource]?[name]
    }

    func render(_ stored: StoredObject, definition: ResourceDefinition, version: String) -> JSONValue {
        var object = stored.object
        object["apiVersion"] = .string(definition.apiVersion(version))
        object["kind"] = .string(definition.kind)
        if !stored.managedFields.isEmpty {
            object.set(path: ["metadata", "managedFields"], to: .array(stored.managedFields.map(\.json)))
        }
        return object
    }

    enum NamespaceState {
        case missing
        case active
        case terminating
    }

    func namespaceState(_ namespace: String) -> NamespaceState {
        guard let object = objects[Self.namespacesResource]?[ObjectName(namespace: "", name: namespace)] else { return .missing }
        return object.object["metadata"]["deletionTimestamp"].isNull ? .active : .terminating
    }

    func requireNamespaceForCreate(_ namespace: String, definition: ResourceDefinition, name: String) throws(APIStatusError) {
        guard definition.namespaced else { return }
        switch namespaceState(namespace) {
        case .missing:
            throw APIStatusError.notFound(resource: "namespaces", group: "", name: namespace)
        case .terminating:
            throw APIStatusError(code: 403, reason: "Forbidden",
                                 message: "\(APIStatusError.qualified(definition.plural, definition.group)) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                                 details: APIStatusError.details(name: name, group: definition.group, kind: definition.plural,
                                                                 causes: [.object(["reason": .string("NamespaceTerminating"),
                                                                                   "message": .string("namespace \(namespace) is being terminated"),
                                                                                   "field": .string("metadata.namespace")])]))
        case .active:
            return
        }
    }

    /// Validates, defaults, versions and stores a write; returns the resulting stored object.
    func commit(definition: ResourceDefinition, version: String, name: ObjectName, old: StoredObject?, candidate: JSONValue,
                ownership: FieldOwnership, scope: ServerSideApply.Scope, dryRun: Bool, now: Date) throws(APIStatusError) -> StoredObject {
        let nowText = Timestamps.string(now)
        let cursor = SchemaCursor(definition: definition, version: version)
        var object: JSONValue
        if scope == .statusSubresource, let old {
            object = old.object
            if candidate["status"].isNull { object.removeMember("status") } else { object["status"] = ServerSideApply.withoutNulls(candidate["status"]) }
        } else {
            object = ServerSideApply.withoutNulls(candidate)
            if scope == .mainResource {
                if let oldStatus = old?.object["status"], !oldStatus.isNull { object["status"] = oldStatus } else { object.removeMember("status") }
            }
        }
        object["apiVersion"] = .string(definition.apiVersion(definition.preferredVersion))
        object["kind"] = .string(definition.kind)
        var metadata = object["metadata"].objectValue ?? [:]
        metadata["name"] = .string(name.name)
        if definition.namespaced { metadata["namespace"] = .string(name.namespace) } else { metadata.removeValue(forKey: "namespace") }
        metadata.removeValue(forKey: "managedFields")
        metadata.removeValue(forKey: "resourceVersion")
        metadata.removeValue(forKey: "selfLink")
        metadata.removeValue(forKey: "generateName")
        if let old {
            for field in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"] {
                metadata[field] = old.object["metadata"][field].isNull ? nil : old.object["metadata"][field]
            }
            if let generateName = old.object["metadata"]["generateName"].stringValue { metadata["generateName"] = .string(generateName) }
        } else {
            if let generateName = candidate["metadata"]["generateName"].stringValue { metadata["generateName"] = .string(generateName) }
            metadata["uid"] = .string(UUID().uuidString.lowercased())
            metadata["creationTimestamp"] = .string(nowText)
            metadata["generation"] = .integer(1)
            metadata.removeValue(forKey: "deletionTimestamp")
            metadata.removeValue(forKey: "deletionGracePeriodSeconds")
        }
        object["metadata"] = .object(metadata)
        if let old, !old.object["metadata"]["deletionTimestamp"].isNull {
            // A terminating object may only lose finalizers.
            let oldFinalizers = Set(old.object["metadata"]["finalizers"].arrayValue ?? [])
            let newFinalizers = object["metadata"]["finalizers"].arrayValue ?? []
            if newFinalizers.contains(where: { !oldFinalizers.contains($0) }) {
                throw APIStatusError(code: 422, reason: "Invalid",
                                     message: "\(definition.kind) \"\(name.name)\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted",
                                     details: APIStatusError.details(name: name.name, group: definition.group, kind: definition.kind,
                                                                     causes: [FieldError.forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted").cause]))
            }
        }

        if scope != .statusSubresource {
            Defaulting.apply(to: &object, old: old?.object, definition: definition, allocator: allocator)
        }
        if definition.isCustom { StrictFieldValidation.pruneUnknownFields(&object, cursor: cursor) }
        try ObjectValidation.validate(new: object, old: old?.object, definition: definition)
        if definition.groupResource == Self.crdResource {
            try CustomResourceDefinitions.validate(object)
        }

        var specChangedAt = old?.specChangedAt ?? now
        if let old {
            var newBody = object, oldBody = old.object
            newBody.removeMember("metadata"); newBody.removeMember("status")
            oldBody.removeMember("metadata"); oldBody.removeMember("status")
            if newBody != oldBody {
                object.set(path: ["metadata", "generation"], to: .integer((old.object["metadata"]["generation"].intValue ?? 1) + 1))
                specChangedAt = now
            }
        }

        var entries: [ManagedFieldsEntry]
        switch ownership {
        case .apply(let computed), .explicit(let computed): entries = computed
        case .update(let manager):
            entries = ServerSideApply.recordUpdate(old: old?.object, new: object, entries: old?.managedFields ?? [], manager: manager,
                                                   apiVersion: definition.apiVersion(version), scope: scope, cursor: cursor, now: nowText)
        }
        entries = ServerSideApply.tidy(entries, object: object, cursor: cursor)

        if let old {
            var comparable = old.object
            comparable["metadata"].removeMember("resourceVersion")
            if comparable == object && old.managedFields == entries {
                return old
            }
        }

        // Stand-in controllers.
        let reference = ObjectReference(resource: definition.groupResource, name: name)
        if definition.groupResource == Self.crdResource {
            applyCRDStatus(&object, old: old?.object, now: now, dryRun: dryRun)
        } else if scope != .statusSubresource, StatusSimulator.simulates(definition) {
            if let (state, due) = readinessState(object, definition: definition, specChangedAt: specChangedAt, now: now) {
                if let status = StatusSimulator.status(for: object, definition: definition, state: state, now: nowText) {
                    object["status"] = status
                }
                if !dryRun {
                    if let due { pendingReadiness[reference] = due } else { pendingReadiness.removeValue(forKey: reference) }
                }
            }
        } else if definition.groupResource == Self.namespacesResource, object["status"]["phase"].isNull {
            object.set(path: ["status", "phase"], to: .string("Active"))
        }

        object.set(path: ["metadata", "resourceVersion"], to: .string(String(dryRun ? resourceVersion + 1 : nextResourceVersion())))
        let result = StoredObject(object: object, managedFields: entries, specChangedAt: specChangedAt)
        if dryRun { return result }

        if !object["metadata"]["deletionTimestamp"].isNull && (object["metadata"]["finalizers"].arrayValue ?? []).isEmpty {
            finishDeletion(definition: definition, name: name, stored: result, propagation: "Background")
            return result
        }
        objects[definition.groupResource, default: [:]][name] = result
        if definition.groupResource == Self.crdResource { refreshServedDefinition(for: object) }
        return result
    }

    /// Effective readiness for an object now, and when it changes (for `ready-after`).
    func readinessState(_ object: JSONValue, definition: ResourceDefinition, specChangedAt: Date, now: Date) -> (StatusSimulator.State, Date?)? {
        let annotated = object["metadata"]["annotations"][Readiness.annotation].stringValue.flatMap(Readiness.init(parsing:))
        guard let mode = annotated ?? (definition.isCustom ? nil : defaultReadiness) else { return nil }
        switch mode {
        case .ready: return (.ready, nil)
        case .progressing: return (.progressing, nil)
        case .failed: return (.failed, nil)
        case .readyAfter(let seconds):
            let due = specChangedAt.addingTimeInterval(seconds)
            return now >= due ? (.ready, nil) : (.progressing, due)
        }
    }

    // MARK: CRDs

    private func applyCRDStatus(_ crd: inout JSONValue, old: JSONValue?, now: Date, dryRun: Bool) {
        let name = crd["metadata"]["name"].stringValue ?? ""
        let nowText = Timestamps.string(now)
        let wasEstablished = (old?["status"]["conditions"].arrayValue ?? []).contains {
            $0["type"].stringValue == "Established" && $0["status"].stringValue == "True"
        }
        let annotated = crd["metadata"]["annotations"][Readiness.annotation].stringValue.flatMap(Readiness.init(parsing:))
        var established = false
        var namesAccepted = true
        var due: Date?
        switch annotated {
        case .progressing?: established = false
        case .failed?: namesAccepted = false
        case .readyAfter(let seconds)?:
            let at = establishmentDue(of: name, created: crd, isNew: old == nil, after: seconds, now: now)
            if wasEstablished || now >= at { established = true } else { due = at }
        case .ready?: established = true
        case nil:
            if wasEstablished || crdEstablishDelay <= 0 {
                established = true
            } else {
                let at = establishmentDue(of: name, created: crd, isNew: old == nil, after: crdEstablishDelay, now: now)
                if now >= at { established = true } else { due = at }
            }
        }
        if let oldStatus = old?["status"], wasEstablished == established, namesAccepted, !oldStatus.isNull,
           old?["spec"]["names"] == crd["spec"]["names"], old?["spec"]["versions"] == crd["spec"]["versions"] {
            crd["status"] = oldStatus
        } else {
            crd["status"] = CustomResourceDefinitions.status(for: crd, established: established, namesAccepted: namesAccepted, now: nowText)
        }
        if dryRun { return }
        if let due { pendingEstablishment[name] = due } else { pendingEstablishment.removeValue(forKey: name) }
    }

    /// When a CRD becomes Established: counted from the precise instant it was created (a pending due time is
    /// kept), not from `creationTimestamp`, whose whole seconds would cut the delay short by up to a second.
    private func establishmentDue(of name: String, created crd: JSONValue, isNew: Bool, after seconds: Double, now: Date) -> Date {
        if !isNew, let pending = pendingEstablishment[name] { return pending }
        let createdAt = isNew ? now : (Timestamps.parse(crd["metadata"]["creationTimestamp"].stringValue) ?? now)
        return createdAt.addingTimeInterval(seconds)
    }

    /// Serves (or stops serving) the custom resource of a stored CRD according to its Established condition.
    func refreshServedDefinition(for crd: JSONValue) {
        guard let definition = CustomResourceDefinitions.definition(from: crd) else { return }
        let established = (crd["status"]["conditions"].arrayValue ?? []).contains {
            $0["type"].stringValue == "Established" && $0["status"].stringValue == "True"
        }
        if established && crd["metadata"]["deletionTimestamp"].isNull {
            servedCustom[definition.groupResource] = definition
        } else {
            servedCustom.removeValue(forKey: definition.groupResource)
        }
    }

    /// Runs due time-based transitions (CRD establishment, `ready-after`), as controllers would.
    func settle(now: Date) {
        if !pendingEstablishment.isEmpty {
            for (crdName, due) in pendingEstablishment where due <= now {
                pendingEstablishment.removeValue(forKey: crdName)
                let name = ObjectName(namespace: "", name: crdName)
                guard var stored = objects[Self.crdResource]?[name] else { continue }
                stored.object["status"] = CustomResourceDefinitions.status(for: stored.object, established: true, namesAccepted: true,
                                                                          now: Timestamps.string(now))
                stored.object.set(path: ["metadata", "resourceVersion"], to: .string(String(nextResourceVersion())))
                objects[Self.crdResource]?[name] = stored
                refreshServedDefinition(for: stored.object)
            }
        }
        if !pendingReadiness.isEmpty {
            for (reference, due) in pendingReadiness where due <= now {
                pendingReadiness.removeValue(forKey: reference)
                guard var stored = objects[reference.resource]?[reference.name],
                      let definition = builtIns[reference.resource] ?? servedCustom[reference.resource],
                      let (state, nextDue) = readinessState(stored.object, definition: definition, specChangedAt: stored.specChangedAt, now: now),
                      let status = StatusSimulator.status(for: stored.object, definition: definition, state: state, now: Timestamps.string(now))
                else { continue }
                stored.object["status"] = status
                stored.object.set(path: ["metadata", "resourceVersion"], to: .string(String(nextResourceVersion())))
                objects[reference.resource]?[reference.name] = stored
                if let nextDue { pendingReadiness[reference] = nextDue }
            }
        }
    }

    // MARK: deletion

    /// Deletes (or, with finalizers, marks for deletion) one object; returns the object as answered.
    func delete(definition: ResourceDefinition, name: ObjectName, propagation: String, dryRun: Bool, now: Date) -> StoredObject? {
        guard var stored = objects[definition.groupResource]?[name] else { return nil }
        let finalizers = stored.object["metadata"]["finalizers"].arrayValue ?? []
        if stored.object["metadata"]["deletionTimestamp"].isNull {
            stored.object.set(path: ["metadata", "deletionTimestamp"], to: .string(Timestamps.string(now)))
            stored.object.set(path: ["metadata", "deletionGracePeriodSeconds"], to: .integer(0))
        }
        if definition.groupResource == Self.namespacesResource {
            stored.object.set(path: ["status", "phase"], to: .string("Terminating"))
        }
        if dryRun { return stored }
        if definition.groupResource == Self.namespacesResource {
            deleteNamespaceContents(name.name, now: now)
        }
        if !finalizers.isEmpty || (definition.groupResource == Self.namespacesResource && namespaceHasContents(name.name)) {
            stored.object.set(path: ["metadata", "resourceVersion"], to: .string(String(nextResourceVersion())))
            objects[definition.groupResource]?[name] = stored
            return stored
        }
        finishDeletion(definition: definition, name: name, stored: stored, propagation: propagation)
        return stored
    }

    /// Removes an object for good, with its side effects (CRD unserving, garbage collection).
    func finishDeletion(definition: ResourceDefinition, name: ObjectName, stored: StoredObject, propagation: String) {
        objects[definition.groupResource]?.removeValue(forKey: name)
        pendingReadiness.removeValue(forKey: ObjectReference(resource: definition.groupResource, name: name))
        _ = nextResourceVersion()
        let now = Date()
        if definition.groupResource == Self.crdResource, let custom = CustomResourceDefinitions.definition(from: stored.object) {
            servedCustom.removeValue(forKey: custom.groupResource)
            objects.removeValue(forKey: custom.groupResource)
            pendingEstablishment.removeValue(forKey: name.name)
        }
        if let uid = stored.object["metadata"]["uid"].stringValue {
            collectDependents(of: uid, propagation: propagation, now: now)
        }
        if definition.namespaced, namespaceState(name.namespace) == .terminating, !namespaceHasContents(name.namespace) {
            let namespaceName = ObjectName(namespace: "", name: name.namespace)
            if let namespace = objects[Self.namespacesResource]?[namespaceName],
               (namespace.object["metadata"]["finalizers"].arrayValue ?? []).isEmpty {
                objects[Self.namespacesResource]?.removeValue(forKey: namespaceName)
            }
        }
    }

    private func namespaceHasContents(_ namespace: String) -> Bool {
        objects.contains { resource, bucket in
            resource != Self.namespacesResource && bucket.keys.contains { $0.namespace == namespace }
        }
    }

    private func deleteNamespaceContents(_ namespace: String, now: Date) {
        for resource in Array(objects.keys) where resource != Self.namespacesResource {
            guard let definition = builtIns[resource] ?? servedCustom[resource], definition.namespaced else { continue }
            for name in (objects[resource]?.keys.filter { $0.namespace == namespace } ?? []) {
                _ = delete(definition: definition, name: name, propagation: "Background", dryRun: false, now: now)
            }
        }
    }

    /// Garbage collection by ownerReferences: Background/Foreground delete dependents, Orphan unlinks them.
    private func collectDependents(of uid: String, propagation: String, now: Date) {
        for resource in Array(objects.keys) {
            guard let definition = builtIns[resource] ?? servedCustom[resource] else { continue }
            for (name, stored) in objects[resource] ?? [:] {
                guard let owners = stored.object["metadata"]["ownerReferences"].arrayValue,
                      owners.contains(where: { $0["uid"].stringValue == uid }) else { continue }
                if propagation == "Orphan" {
                    var updated = stored
                    let remaining = owners.filter { $0["uid"].stringValue != uid }
                    updated.object.set(path: ["metadata", "ownerReferences"], to: remaining.isEmpty ? .null : .array(remaining))
                    updated.managedFields = ServerSideApply.tidy(updated.managedFields, object: updated.object,
                                                                 cursor: SchemaCursor(definition: definition, version: definition.preferredVersion))
                    updated.object.set(path: ["metadata", "resourceVersion"], to: .string(String(nextResourceVersion())))
                    objects[resource]?[name] = updated
                } else {
                    _ = delete(definition: definition, name: name, propagation: propagation, dryRun: false, now: now)
                }
            }
        }
    }
}
