#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSON
import YAML

extension Kubeconfig {
    /// Parses one kubeconfig file's bytes (YAML or JSON). `path` names the file in errors and is
    /// the base for relative file references. Unknown fields are ignored, as clientcmd does;
    /// wrongly typed fields and duplicate names are errors naming the field.
    public static func parse(_ bytes: [UInt8], path: String) throws(KubeError) -> Kubeconfig {
        var config = Kubeconfig()
        config.files = [path]
        let root: JSONValue
        do {
            let documents = try YAMLParser.parseDocuments(bytes)
            guard let first = documents.first else { return config }
            root = try first.jsonValue()
        } catch {
            throw KubeError(.kubeconfig, "kubeconfig \(path): not valid YAML: \(error)")
        }
        if root.isNull { return config }
        let reader = KubeconfigFieldReader(file: path, baseDirectory: FilePaths.directory(of: FilePaths.absolute(path)))
        guard let top = root.objectValue else {
            throw reader.failure("", "the document must be a mapping, not a \(root.typeName)")
        }

        for (entry, fieldPath) in try reader.namedList(top, "clusters") {
            let name = try reader.entryName(entry, fieldPath)
            guard config.clusters[name] == nil else { throw reader.failure(fieldPath, "duplicate cluster name \"\(name)\"") }
            config.clusters[name] = try parseCluster(entry["cluster"], name: name, path: "\(fieldPath).cluster", reader: reader)
        }
        for (entry, fieldPath) in try reader.namedList(top, "users") {
            let name = try reader.entryName(entry, fieldPath)
            guard config.users[name] == nil else { throw reader.failure(fieldPath, "duplicate user name \"\(name)\"") }
            config.users[name] = try parseUser(entry["user"], name: name, path: "\(fieldPath).user", reader: reader)
        }
        for (entry, fieldPath) in try reader.namedList(top, "contexts") {
            let name = try reader.entryName(entry, fieldPath)
            guard config.contexts[name] == nil else { throw reader.failure(fieldPath, "duplicate context name \"\(name)\"") }
            let context = try reader.object(entry["context"], "\(fieldPath).context") ?? JSONObject()
            let contextPath = "\(fieldPath).context"
            config.contexts[name] = Context(
                name: name, origin: path,
                cluster: try reader.string(context["cluster"], "\(contextPath).cluster"),
                user: try reader.string(context["user"], "\(contextPath).user"),
                namespace: try reader.string(context["namespace"], "\(contextPath).namespace"))
        }
        if let current = try reader.string(top["current-context"], "current-context"), !current.isEmpty {
            config.currentContext = current
            config.currentContextOrigin = path
        }
        return config
    }

    private static func parseCluster(_ value: JSONValue?, name: String, path: String, reader: KubeconfigFieldReader) throws(KubeError)
        -> Cluster
    {
        let cluster = try reader.object(value, path) ?? JSONObject()
        var extensions: [String: JSONValue] = [:]
        for (entry, entryPath) in try reader.namedList(cluster, "extensions", prefix: path) {
            let extensionName = try reader.entryName(entry, entryPath)
            extensions[extensionName] = entry["extension"] ?? .null
        }
        return Cluster(
            name: name, origin: reader.file,
            server: try reader.string(cluster["server"], "\(path).server"),
            certificateAuthority: try reader.filePath(cluster["certificate-authority"], "\(path).certificate-authority"),
            certificateAuthorityData: try reader.base64(cluster["certificate-authority-data"], "\(path).certificate-authority-data"),
            insecureSkipTLSVerify: try reader.bool(cluster["insecure-skip-tls-verify"], "\(path).insecure-skip-tls-verify") ?? false,
            tlsServerName: try reader.string(cluster["tls-server-name"], "\(path).tls-server-name"),
            proxyURL: try reader.string(cluster["proxy-url"], "\(path).proxy-url"),
            disableCompression: try reader.bool(cluster["disable-compression"], "\(path).disable-compression") ?? false,
            extensions: extensions)
    }

    private static func parseUser(_ value: JSONValue?, name: String, path: String, reader: KubeconfigFieldReader) throws(KubeError) -> User {
        let user = try reader.object(value, path) ?? JSONObject()
        var exec: ExecConfiguration?
        if let execObject = try reader.object(user["exec"], "\(path).exec") {
            let execPath = "\(path).exec"
            var environment: [(name: String, value: String)] = []
            for (index, item) in (try reader.array(execObject["env"], "\(execPath).env") ?? []).enumerated() {
                let itemPath = "\(execPath).env[\(index)]"
                guard let variable = item.objectValue else { throw reader.failure(itemPath, "must be a mapping with name and value") }
                let variableName = try reader.string(variable["name"], "\(itemPath).name") ?? ""
                guard !variableName.isEmpty else {
                    throw reader.failure("\(itemPath).name", "env variable name must be specified for \(name) to use exec authentication plugin")
                }
                environment.append((variableName, try reader.string(variable["value"], "\(itemPath).value") ?? ""))
            }
            var command = try reader.string(execObject["command"], "\(execPath).command") ?? ""
            if command.contains("/") { command = FilePaths.resolve(command, against: reader.baseDirectory) }
            exec = ExecConfiguration(
                command: command,
                arguments: try reader.stringList(execObject["args"], "\(execPath).args") ?? [],
                environment: environment,
                apiVersion: try reader.string(execObject["apiVersion"], "\(execPath).apiVersion") ?? "",
                installHint: try reader.string(execObject["installHint"], "\(execPath).installHint"),
                provideClusterInfo: try reader.bool(execObject["provideClusterInfo"], "\(execPath).provideClusterInfo") ?? false,
                interactiveMode: try reader.string(execObject["interactiveMode"], "\(execPath).interactiveMode"))
        }
        var authProvider: String?
        if let provider = try reader.object(user["auth-provider"], "\(path).auth-provider") {
            authProvider = try reader.string(provider["name"], "\(path).auth-provider.name") ?? "unnamed"
        }
        var extra: [String: [String]] = [:]
        if let extraObject = try reader.object(user["as-user-extra"], "\(path).as-user-extra") {
            for (key, values) in extraObject {
                extra[key] = try reader.stringList(values, "\(path).as-user-extra.\(key)") ?? []
            }
        }
        let keyData = try reader.base64(user["client-key-data"], "\(path).client-key-data")
        return User(
            name: name, origin: reader.file,
            clientCertificate: try reader.filePath(user["client-certificate"], "\(path).client-certificate"),
            clientCertificateData: try reader.base64(user["client-certificate-data"], "\(path).client-certificate-data"),
            clientKey: try reader.filePath(user["client-key"], "\(path).client-key"),
            clientKeyData: keyData.map { SecretText(String(decoding: $0, as: UTF8.self)) },
            token: try reader.string(user["token"], "\(path).token").flatMap { $0.isEmpty ? nil : SecretText($0) },
            tokenFile: try reader.filePath(user["tokenFile"], "\(path).tokenFile"),
            username: try reader.string(user["username"], "\(path).username").flatMap { $0.isEmpty ? nil : $0 },
            password: try reader.string(user["password"], "\(path).password").flatMap { $0.isEmpty ? nil : SecretText($0) },
            exec: exec,
            authProvider: authProvider,
            impersonate: try reader.string(user["as"], "\(path).as").flatMap { $0.isEmpty ? nil : $0 },
            impersonateUID: try reader.string(user["as-uid"], "\(path).as-uid").flatMap { $0.isEmpty ? nil : $0 },
            impersonateGroups: try reader.stringList(user["as-groups"], "\(path).as-groups") ?? [],
            impersonateUserExtra: extra)
    }
}

/// Typed access to kubeconfig fields with errors that name the file and the field path.
struct KubeconfigFieldReader {
    let file: String
    let baseDirectory: String

    func failure(_ field: String, _ problem: String) -> KubeError {
        KubeError(.kubeconfig, field.isEmpty ? "kubeconfig \(file): \(problem)" : "kubeconfig \(file): \(field): \(problem)")
    }

    func object(_ value: JSONValue?, _ field: String) throws(KubeError) -> JSONObject? {
        guard let value, !value.isNull else { return nil }
        guard let object = value.objectValue else { throw failure(field, "must be a mapping, not a \(value.typeName)") }
        return object
    }

    func array(_ value: JSONValue?, _ field: String) throws(KubeError) -> [JSONValue]? {
        guard let value, !value.isNull else { return nil }
        guard let array = value.arrayValue else { throw failure(field, "must be a list, not a \(value.typeName)") }
        return array
    }

    /// A string field; YAML scalars that resolved to numbers or booleans are taken as written.
    func string(_ value: JSONValue?, _ field: String) throws(KubeError) -> String? {
        guard let value, !value.isNull else { return nil }
        switch value {
        case .string(let text): return text
        case .number(let number): return number.literal
        case .bool(let flag): return flag ? "true" : "false"
        default: throw failure(field, "must be a string, not a \(value.typeName)")
        }
    }

    func bool(_ value: JSONValue?, _ field: String) throws(KubeError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw failure(field, "must be true or false, not a \(value.typeName)") }
        return flag
    }

    func stringList(_ value: JSONValue?, _ field: String) throws(KubeError) -> [String]? {
        guard let items = try array(value, field) else { return nil }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            result.append(try string(item, "\(field)[\(index)]") ?? "")
        }
        return result
    }

    /// A `*-data` field: base64 of the bytes (whitespace ignored); empty means absent.
    func base64(_ value: JSONValue?, _ field: String) throws(KubeError) -> Data? {
        guard let text = try string(value, field) else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        if compact.isEmpty { return nil }
        guard let data = Data(base64Encoded: compact) else { throw failure(field, "is not valid base64") }
        return data
    }

    /// A file reference, resolved against the kubeconfig's directory when relative.
    func filePath(_ value: JSONValue?, _ field: String) throws(KubeError) -> String? {
        guard let text = try string(value, field), !text.isEmpty else { return nil }
        return FilePaths.resolve(text, against: baseDirectory)
    }

    /// The entries of a `[{name: …, <kind>: {…}}]` list with their field paths.
    func namedList(_ parent: JSONObject, _ key: String, prefix: String = "") throws(KubeError) -> [(JSONObject, String)] {
        let listPath = prefix.isEmpty ? key : "\(prefix).\(key)"
        guard let items = try array(parent[key], listPath) else { return [] }
        var result: [(JSONObject, String)] = []
        for (index, item) in items.enumerated() {
            guard let entry = item.objectValue else { throw failure("\(listPath)[\(index)]", "must be a mapping") }
            let name = (try? string(entry["name"], "")) ?? nil
            let entryPath = name.map { "\(listPath)[name=\"\($0)\"]" } ?? "\(listPath)[\(index)]"
            result.append((entry, entryPath))
        }
        return result
    }

    func entryName(_ entry: JSONObject, _ field: String) throws(KubeError) -> String {
        guard let name = try string(entry["name"], "\(field).name"), !name.isEmpty else {
            throw failure(field, "has no name")
        }
        return name
    }
}
