import Foundation

/// Non-resource endpoints: discovery (legacy and aggregated v2), /version, /openapi/v3, health.
extension EmulatedCluster {
    static let aggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    static let aggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

    func handleNonResource(_ request: HTTPRequest) throws(APIStatusError) -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        settle(now: Date())
        guard request.method == "GET" || request.method == "HEAD" else { throw APIStatusError.methodNotAllowed(request.method) }
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let accept = request.header("accept") ?? ""
        let segments = path.split(separator: "/").map(String.init)
        switch segments {
        case ["healthz"], ["livez"], ["readyz"]:
            return .text(200, "ok")
        case ["version"]:
            return .json(200, .object([
                "major": .string("1"), "minor": .string("32"), "gitVersion": .string("v1.32.0-kube-emulator"),
                "gitCommit": .string("0000000000000000000000000000000000000000"), "gitTreeState": .string("clean"),
                "buildDate": .string("2025-01-01T00:00:00Z"), "goVersion": .string("go1.23.0"), "compiler": .string("gc"),
                "platform": .string("linux/amd64"), "emulationMajor": .string("1"), "emulationMinor": .string("32"),
            ]))
        case ["api"]:
            if let mediaType = aggregatedMediaType(accept) {
                return .json(200, aggregatedDiscovery(core: true, mediaType: mediaType), contentType: mediaType)
            }
            return .json(200, .object([
                "kind": .string("APIVersions"), "versions": .array([.string("v1")]),
                "serverAddressByClientCIDRs": .array([.object(["clientCIDR": .string("0.0.0.0/0"), "serverAddress": .string(serverAddress)])]),
            ]))
        case ["apis"]:
            if let mediaType = aggregatedMediaType(accept) {
                return .json(200, aggregatedDiscovery(core: false, mediaType: mediaType), contentType: mediaType)
            }
            return .json(200, .object(["kind": .string("APIGroupList"), "apiVersion": .string("v1"), "groups": .array(groups().map(groupJSON))]))
        case ["api", "v1"]:
            return .json(200, resourceList(group: "", version: "v1"))
        case let parts where parts.count == 2 && parts[0] == "apis":
            guard let group = groups().first(where: { $0.name == parts[1] }) else { throw APIStatusError.resourceNotFound() }
            var value = groupJSON(group)
            value["kind"] = .string("APIGroup")
            value["apiVersion"] = .string("v1")
            return .json(200, value)
        case let parts where parts.count == 3 && parts[0] == "apis":
            guard let group = groups().first(where: { $0.name == parts[1] }), group.versions.contains(parts[2]) else {
                throw APIStatusError.resourceNotFound()
            }
            return .json(200, resourceList(group: parts[1], version: parts[2]))
        case ["openapi", "v3"]:
            var paths: [String: JSONValue] = ["api/v1": .object(["serverRelativeURL": .string("/openapi/v3/api/v1?hash=\(openAPIHash)")])]
            for group in groups() {
                for version in group.versions {
                    paths["apis/\(group.name)/\(version)"] = .object(["serverRelativeURL": .string("/openapi/v3/apis/\(group.name)/\(version)?hash=\(openAPIHash)")])
                }
            }
            return .json(200, .object(["paths": .object(paths)]))
        case let parts where parts.count >= 4 && parts[0] == "openapi" && parts[1] == "v3":
            let groupVersion = parts[2...].joined(separator: "/")
            guard let document = openAPIDocument(groupVersion) else { throw APIStatusError.resourceNotFound() }
            return .json(200, document)
        default:
            return HTTPResponse.json(404, APIStatusError.resourceNotFound().body)
        }
    }

    private func aggregatedMediaType(_ accept: String) -> String? {
        for part in accept.split(separator: ",") {
            let compact = part.replacingOccurrences(of: " ", with: "")
            if compact.contains("as=APIGroupDiscoveryList") {
                if compact.contains("v=v2beta1") { return Self.aggregatedV2Beta1 }
                if compact.contains("v=v2") { return Self.aggregatedV2 }
            }
            if compact.hasPrefix("application/json") { return nil }
        }
        return nil
    }

    struct APIGroupInfo {
        var name: String
        var versions: [String]
    }

    func groups() -> [APIGroupInfo] {
        var result: [APIGroupInfo] = BuiltInResources.groupOrder.map { APIGroupInfo(name: $0, versions: ["v1"]) }
        var custom: [String: Set<String>] = [:]
        for definition in servedCustom.values { custom[definition.group, default: []].formUnion(definition.versions) }
        for group in custom.keys.sorted() {
            if let position = result.firstIndex(where: { $0.name == group }) {
                result[position].versions = Array(Set(result[position].versions).union(custom[group]!)).sorted(by: CustomResourceDefinitions.versionPriority)
            } else {
                result.append(APIGroupInfo(name: group, versions: custom[group]!.sorted(by: CustomResourceDefinitions.versionPriority)))
            }
        }
        return result
    }

    private func groupJSON(_ group: APIGroupInfo) -> JSONValue {
        let versions: [JSONValue] = group.versions.map { .object(["groupVersion": .string("\(group.name)/\($0)"), "version": .string($0)]) }
        return .object(["name": .string(group.name), "versions": .array(versions), "preferredVersion": versions[0]])
    }

    private func definitions(group: String, version: String) -> [ResourceDefinition] {
        allDefinitions.filter { $0.group == group && $0.versions.contains(version) }
    }

    private func resourceList(group: String, version: String) -> JSONValue {
        var resources: [JSONValue] = []
        for definition in definitions(group: group, version: version) {
            var entry: JSONValue = .object([
                "name": .string(definition.plural), "singularName": .string(definition.singular),
                "namespaced": .bool(definition.namespaced), "kind": .string(definition.kind),
                "verbs": .array(ResourceDefinition.standardVerbs.map(JSONValue.string)),
            ])
            if !definition.shortNames.isEmpty { entry["shortNames"] = .array(definition.shortNames.map(JSONValue.string)) }
            if !definition.categories.isEmpty { entry["categories"] = .array(definition.categories.map(JSONValue.string)) }
            resources.append(entry)
            if definition.hasStatus {
                resources.append(.object([
                    "name": .string("\(definition.plural)/status"), "singularName": .string(""),
                    "namespaced": .bool(definition.namespaced), "kind": .string(definition.kind),
                    "verbs": .array(["get", "patch", "update"].map(JSONValue.string)),
                ]))
            }
        }
        return .object([
            "kind": .string("APIResourceList"), "apiVersion": .string("v1"),
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ])
    }

    private func aggregatedDiscovery(core: Bool, mediaType: String) -> JSONValue {
        let groupInfos: [APIGroupInfo] = core ? [APIGroupInfo(name: "", versions: ["v1"])] : groups()
        let items: [JSONValue] = groupInfos.map { group in
            let versions: [JSONValue] = group.versions.map { version in
                let resources: [JSONValue] = definitions(group: group.name, version: version).map { definition in
                    let responseKind: JSONValue = .object(["group": .string(group.name), "version": .string(version), "kind": .string(definition.kind)])
                    var entry: JSONValue = .object([
                        "resource": .string(definition.plural), "responseKind": responseKind,
                        "scope": .string(definition.namespaced ? "Namespaced" : "Cluster"),
                        "singularResource": .string(definition.singular),
                        "verbs": .array(ResourceDefinition.standardVerbs.map(JSONValue.string)),
                    ])
                    if !definition.shortNames.isEmpty { entry["shortNames"] = .array(definition.shortNames.map(JSONValue.string)) }
                    if !definition.categories.isEmpty { entry["categories"] = .array(definition.categories.map(JSONValue.string)) }
                    if definition.hasStatus {
                        entry["subresources"] = .array([.object([
                            "subresource": .string("status"), "responseKind": responseKind,
                            "verbs": .array(["get", "patch", "update"].map(JSONValue.string)),
                        ])])
                    }
                    return entry
                }
                return .object(["version": .string(version), "resources": .array(resources), "freshness": .string("Current")])
            }
            return .object(["metadata": group.name.isEmpty ? .object([:]) : .object(["name": .string(group.name)]), "versions": .array(versions)])
        }
        return .object([
            "kind": .string("APIGroupDiscoveryList"),
            "apiVersion": .string(mediaType == Self.aggregatedV2Beta1 ? "apidiscovery.k8s.io/v2beta1" : "apidiscovery.k8s.io/v2"),
            "metadata": .object([:]), "items": .array(items),
        ])
    }

    private var openAPIHash: String {
        String(UInt64(bitPattern: Int64(servedCustom.count * 1_000_003 + Int(resourceVersion % 1_000_003))), radix: 16)
    }

    /// A minimal OpenAPI v3 document per group-version: enough paths (with the GVK extension and
    /// the `fieldValidation` parameter) for kubectl's query-parameter verifier to pick server-side validation.
    private func openAPIDocument(_ groupVersion: String) -> JSONValue? {
        let group: String, version: String
        let parts = groupVersion.split(separator: "/").map(String.init)
        if parts.count == 2 && parts[0] == "api" {
            group = ""
            version = parts[1]
        } else if parts.count == 3 && parts[0] == "apis" {
            group = parts[1]
            version = parts[2]
        } else {
            return nil
        }
        let served = definitions(group: group, version: version)
        guard !served.isEmpty else { return nil }
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        func parameter(_ name: String, _ type: String = "string") -> JSONValue {
            .object(["name": .string(name), "in": .string("query"), "schema": .object(["type": .string(type), "uniqueItems": .bool(true)])])
        }
        var paths: [String: JSONValue] = [:]
        var schemas: [String: JSONValue] = [:]
        for definition in served {
            let gvk: JSONValue = .object(["group": .string(group), "version": .string(version), "kind": .string(definition.kind)])
            let schemaName = "\(group.isEmpty ? "io.k8s.api.core" : group).\(version).\(definition.kind)"
            let reference: JSONValue = .object(["$ref": .string("#/components/schemas/\(schemaName)")])
            let okResponse: JSONValue = .object(["200": .object(["description": .string("OK"), "content": .object(["application/json": .object(["schema": reference])])])])
            func operation(_ action: String, _ parameters: [JSONValue]) -> JSONValue {
                .object([
                    "operationId": .string("\(action)\(definition.kind)"), "parameters": .array(parameters), "responses": okResponse,
                    "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk,
                ])
            }
            let writeParameters = [parameter("dryRun"), parameter("fieldManager"), parameter("fieldValidation")]
            let itemPath = definition.namespaced ? "\(prefix)/namespaces/{namespace}/\(definition.plural)/{name}" : "\(prefix)/\(definition.plural)/{name}"
            let collectionPath = definition.namespaced ? "\(prefix)/namespaces/{namespace}/\(definition.plural)" : "\(prefix)/\(definition.plural)"
            paths[itemPath] = .object([
                "get": operation("get", []),
                "put": operation("put", writeParameters),
                "patch": operation("patch", writeParameters + [parameter("force", "boolean")]),
                "delete": operation("delete", [parameter("dryRun"), parameter("propagationPolicy")]),
            ])
            paths[collectionPath] = .object([
                "get": operation("list", [parameter("labelSelector"), parameter("fieldSelector")]),
                "post": operation("post", writeParameters),
            ])
            if definition.hasStatus {
                paths[itemPath + "/status"] = .object([
                    "get": operation("get", []), "put": operation("put", writeParameters),
                    "patch": operation("patch", writeParameters + [parameter("force", "boolean")]),
                ])
            }
            var schema: JSONValue = definition.isCustom ? (definition.schemas[version] ?? .object(["type": .string("object")])) : .object([
                "type": .string("object"), "x-kubernetes-preserve-unknown-fields": .bool(true),
            ])
            schema["x-kubernetes-group-version-kind"] = .array([gvk])
            schemas[schemaName] = schema
        }
        return .object([
            "openapi": .string("3.0.0"),
            "info": .object(["title": .string("Kubernetes (kube emulator)"), "version": .string("v1.32.0")]),
            "paths": .object(paths),
            "components": .object(["schemas": .object(schemas)]),
        ])
    }
}
