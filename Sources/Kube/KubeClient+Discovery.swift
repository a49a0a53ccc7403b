#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTP
import JSON

extension KubeClient {
    /// The `Accept` list that asks for aggregated discovery and accepts the legacy documents.
    static let aggregatedDiscoveryAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

    /// Maps an apiVersion and kind to its REST resource. A miss refreshes discovery once (a CRD
    /// applied by an earlier stage becomes resolvable); a second miss is `.noKindMatch`.
    public func resource(apiVersion: String, kind: String) async throws(KubeError) -> APIResource {
        try await resource(apiVersion: apiVersion, kind: kind, object: nil)
    }

    /// The current discovery snapshot (fetched on first use).
    public func discovery() async throws(KubeError) -> DiscoverySnapshot {
        try await discoveryCache.current().0
    }

    /// Drops cached discovery; the next lookup reads it again.
    public func invalidateDiscovery() async {
        await discoveryCache.invalidate()
    }

    func resource(apiVersion: String, kind: String, object: ObjectReference?) async throws(KubeError) -> APIResource {
        let (group, version) = ObjectReference.split(apiVersion)
        let cache = discoveryCache
        let (snapshot, generation) = try await cache.current()
        if let found = snapshot.resource(group: group, version: version, kind: kind) { return found }
        let (fresh, _) = try await cache.refresh(unlessNewerThan: generation)
        if let found = fresh.resource(group: group, version: version, kind: kind) { return found }
        var message = "no matches for kind \"\(kind)\" in version \"\(apiVersion)\""
        if let object { message = "\(object): " + message }
        if fresh.failedGroupVersions.contains(apiVersion) {
            message += " (discovery of \(apiVersion) failed; its API service may be unavailable)"
        } else {
            message += " (the API server does not serve it; is its CustomResourceDefinition installed and established?)"
        }
        throw KubeError(.noKindMatch, message, object: object)
    }

    /// Reads discovery: aggregated when offered (and allowed), else the legacy documents.
    func fetchDiscovery() async -> Result<DiscoverySnapshot, KubeError> {
        do {
            return .success(try await readDiscovery())
        } catch {
            return .failure(error)
        }
    }

    private func readDiscovery() async throws(KubeError) -> DiscoverySnapshot {
        let accept = configuration.discovery == .legacy ? "application/json" : Self.aggregatedDiscoveryAccept
        let core = try await discoveryDocument("/api", accept: accept)
        let groups = try await discoveryDocument("/apis", accept: accept)
        var snapshot = DiscoverySnapshot()
        if core["kind"]?.stringValue == "APIGroupDiscoveryList", groups["kind"]?.stringValue == "APIGroupDiscoveryList" {
            snapshot.isAggregated = true
            snapshot.addAggregated(core)
            snapshot.addAggregated(groups)
            return snapshot
        }

        // Legacy: /api lists core versions, /apis lists groups; then one document per group-version.
        let coreVersions: [String]
        if core["kind"]?.stringValue == "APIVersions" {
            coreVersions = (core["versions"]?.arrayValue ?? []).compactMap(\.stringValue)
        } else {
            let legacyCore = try await discoveryDocument("/api", accept: "application/json")
            coreVersions = (legacyCore["versions"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        var groupList = groups
        if groups["kind"]?.stringValue != "APIGroupList" {
            groupList = try await discoveryDocument("/apis", accept: "application/json")
        }

        var groupVersions: [(group: String, version: String)] = coreVersions.map { ("", $0) }
        if let first = coreVersions.first { snapshot.setPreferredVersion(first, group: "") }
        for groupValue in groupList["groups"]?.arrayValue ?? [] {
            guard let group = groupValue.objectValue, let name = group["name"]?.stringValue else { continue }
            if let preferred = group["preferredVersion"]?["version"]?.stringValue { snapshot.setPreferredVersion(preferred, group: name) }
            for versionValue in group["versions"]?.arrayValue ?? [] {
                if let version = versionValue["version"]?.stringValue { groupVersions.append((name, version)) }
            }
        }

        let documents = await withTaskGroup(of: (Int, Result<JSONObject, KubeError>).self) { tasks in
            for (index, entry) in groupVersions.enumerated() {
                let path = entry.group.isEmpty ? "/api/\(entry.version)" : "/apis/\(entry.group)/\(entry.version)"
                tasks.addTask { (index, await self.discoveryDocumentResult(path)) }
            }
            var collected: [Int: Result<JSONObject, KubeError>] = [:]
            for await (index, result) in tasks { collected[index] = result }
            return collected
        }
        for (index, entry) in groupVersions.enumerated() {
            let groupVersion = entry.group.isEmpty ? entry.version : "\(entry.group)/\(entry.version)"
            switch documents[index] {
            case .success(let list)?:
                snapshot.addLegacy(list, group: entry.group, version: entry.version)
            case .failure(let error)?:
                if error.code == .cancelled { throw error }
                // A broken aggregated API (metrics.k8s.io down) must not hide every other group;
                // the core group is essential, though.
                if entry.group.isEmpty { throw error }
                snapshot.failedGroupVersions.append(groupVersion)
            case nil:
                snapshot.failedGroupVersions.append(groupVersion)
            }
        }
        return snapshot
    }

    private func discoveryDocumentResult(_ path: String) async -> Result<JSONObject, KubeError> {
        do {
            return .success(try await discoveryDocument(path, accept: "application/json"))
        } catch {
            return .failure(error)
        }
    }

    private func discoveryDocument(_ path: String, accept: String) async throws(KubeError) -> JSONObject {
        let response = try await perform(APIRequest(method: .get, path: path, accept: accept, operation: "discovery", resourceLabel: path))
        return try decodeObject(response, operation: "discovery", object: nil)
    }
}
