import JSON

/// What discovery found at one moment: every served resource, indexed by group/version/kind, plus
/// each group's preferred version and the group-versions that could not be read.
public struct DiscoverySnapshot: Sendable {
    struct KindKey: Hashable, Sendable {
        var group: String
        var version: String
        var kind: String
    }

    /// Every served (non-subresource) resource, in discovery order.
    public private(set) var resources: [APIResource] = []
    /// Preferred version per group (empty key: core).
    public private(set) var preferredVersions: [String: String] = [:]
    /// Group-versions whose discovery failed (for example an aggregated API that is down).
    public internal(set) var failedGroupVersions: [String] = []
    /// Whether the server answered aggregated discovery (`apidiscovery.k8s.io`).
    public internal(set) var isAggregated = false
    private var byKind: [KindKey: APIResource] = [:]

    init() {}

    mutating func add(_ resource: APIResource) {
        let key = KindKey(group: resource.group, version: resource.version, kind: resource.kind)
        // The first resource of a kind wins (legacy lists can carry more than one).
        if byKind[key] == nil { byKind[key] = resource }
        resources.append(resource)
    }

    mutating func setPreferredVersion(_ version: String, group: String) {
        if preferredVersions[group] == nil { preferredVersions[group] = version }
    }

    /// The resource for an exact group, version and kind.
    public func resource(group: String, version: String, kind: String) -> APIResource? {
        byKind[KindKey(group: group, version: version, kind: kind)]
    }

    /// The resource for a group and kind in the group's preferred version (else any served version).
    public func preferredResource(group: String, kind: String) -> APIResource? {
        if let version = preferredVersions[group], let resource = resource(group: group, version: version, kind: kind) {
            return resource
        }
        return resources.first { $0.group == group && $0.kind == kind }
    }

    // MARK: parsing

    /// Adds an aggregated `APIGroupDiscoveryList` (v2 or v2beta1) document.
    mutating func addAggregated(_ document: JSONObject) {
        for item in document["items"]?.arrayValue ?? [] {
            guard let group = item.objectValue else { continue }
            let groupName = group["metadata"]?["name"]?.stringValue ?? ""
            for (index, versionValue) in (group["versions"]?.arrayValue ?? []).enumerated() {
                guard let version = versionValue.objectValue, let versionName = version["version"]?.stringValue else { continue }
                if index == 0 { setPreferredVersion(versionName, group: groupName) }
                if version["freshness"]?.stringValue == "Stale" {
                    failedGroupVersions.append(groupName.isEmpty ? versionName : "\(groupName)/\(versionName)")
                }
                for resourceValue in version["resources"]?.arrayValue ?? [] {
                    guard let entry = resourceValue.objectValue, let plural = entry["resource"]?.stringValue,
                          let kind = entry["responseKind"]?["kind"]?.stringValue, !kind.isEmpty
                    else { continue }
                    add(APIResource(
                        group: groupName, version: versionName, kind: kind, name: plural,
                        singularName: entry["singularResource"]?.stringValue ?? "",
                        namespaced: entry["scope"]?.stringValue == "Namespaced",
                        verbs: Self.strings(entry["verbs"]), shortNames: Self.strings(entry["shortNames"])))
                }
            }
        }
    }

    /// Adds a legacy `APIResourceList` for `group`/`version` (subresources skipped).
    mutating func addLegacy(_ list: JSONObject, group: String, version: String) {
        for resourceValue in list["resources"]?.arrayValue ?? [] {
            guard let entry = resourceValue.objectValue, let plural = entry["name"]?.stringValue, !plural.contains("/"),
                  let kind = entry["kind"]?.stringValue, !kind.isEmpty
            else { continue }
            add(APIResource(
                group: group, version: version, kind: kind, name: plural, singularName: entry["singularName"]?.stringValue ?? "",
                namespaced: entry["namespaced"]?.boolValue ?? false, verbs: Self.strings(entry["verbs"]),
                shortNames: Self.strings(entry["shortNames"])))
        }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
