import JSON

/// Finds the Kubernetes objects in a Jsonnet evaluation result (a JaaS `rendered.json`), accepting
/// every shape Jsonnet users produce: one object, an array, a `kind: List`, or a tree of nested
/// objects and arrays whose leaves are objects.
///
/// The walk follows Tanka (`pkg/process/extract.go`) and kubecfg (`jsonWalk`):
/// - an object whose `apiVersion` and `kind` are both non-empty strings is a manifest and is not
///   looked into further, except that a list (its `items` member is an array, as apimachinery's
///   `IsList` decides) contributes its items, in order, each of which must be a manifest;
/// - any other object is a container: its members are walked in sorted key order (kubecfg's
///   "consistent traversal order"; Tanka sorts its output instead), arrays element by element;
/// - `null` contributes nothing (what a Jsonnet `if` without `else` leaves behind);
/// - a string, number or boolean where a manifest or container belongs is an error naming its
///   path, e.g. `rendered.json: .app.config.replicas: expected a Kubernetes object or a container
///   of objects, found number`; so is an object with only one of `apiVersion`/`kind` as a string,
///   which Tanka would also reject.
/// Every manifest found must then carry `metadata.name`, as the plain YAML build requires.
public enum JsonnetOutputExtractor {
    /// Parses `bytes` as JSON and extracts its objects; `file` names the source in messages.
    public static func objects(in bytes: [UInt8], file: String) throws(BuildError) -> [ManifestObject] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw BuildError(code: .syntax, message: "\(file): \(error)")
        }
        return try objects(in: value, file: file)
    }

    /// Extracts the objects of an already parsed evaluation result.
    public static func objects(in value: JSONValue, file: String) throws(BuildError) -> [ManifestObject] {
        var found: [ManifestObject] = []
        try walk(value, path: "", file: file, into: &found)
        return found
    }

    private static func walk(_ value: JSONValue, path: String, file: String, into found: inout [ManifestObject]) throws(BuildError) {
        switch value {
        case .null:
            return
        case .object(let object):
            if isManifest(object) {
                try collect(object, path: path, file: file, into: &found)
                return
            }
            for marker in ["apiVersion", "kind"] where object[marker] != nil {
                throw BuildError(code: .invalidObject,
                    message: "\(file): \(display(path)): has \(marker) but is not a Kubernetes object: apiVersion and kind must both be non-empty strings")
            }
            for key in object.keys.sorted() {
                try walk(object[key] ?? .null, path: path + component(key), file: file, into: &found)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                try walk(element, path: path + "[\(index)]", file: file, into: &found)
            }
        case .string, .number, .bool:
            throw BuildError(code: .invalidObject,
                message: "\(file): \(display(path)): expected a Kubernetes object or a container of objects, found \(value.typeName)")
        }
    }

    /// Adds a manifest, or the items of a list manifest.
    private static func collect(_ object: JSONObject, path: String, file: String, into found: inout [ManifestObject]) throws(BuildError) {
        if case .array(let items)? = object["items"] {
            for (index, item) in items.enumerated() {
                let itemPath = path + ".items[\(index)]"
                guard case .object(let itemObject) = item, isManifest(itemObject) else {
                    throw BuildError(code: .invalidObject,
                        message: "\(file): \(display(itemPath)): expected a Kubernetes object in the list, found \(describe(item))")
                }
                try collect(itemObject, path: itemPath, file: file, into: &found)
            }
            return
        }
        try ManifestReader.validate(object, place: "\(file): \(display(path))")
        found.append(ManifestObject(value: object, file: file, documentIndex: 0))
    }

    private static func isManifest(_ object: JSONObject) -> Bool {
        guard case .string(let apiVersion)? = object["apiVersion"], case .string(let kind)? = object["kind"] else { return false }
        return !apiVersion.isEmpty && !kind.isEmpty
    }

    private static func describe(_ value: JSONValue) -> String {
        if case .object = value { return "an object without apiVersion and kind strings" }
        return value.typeName
    }

    /// `.name` for identifier-like keys, `["odd key"]` otherwise (jq's notation).
    private static func component(_ key: String) -> String {
        var identifier = !key.isEmpty
        for (offset, scalar) in key.unicodeScalars.enumerated() {
            let letter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
            let digit = ("0"..."9").contains(scalar)
            if !(letter || (digit && offset > 0)) {
                identifier = false
                break
            }
        }
        return identifier ? "." + key : "[" + JSONSerializer().string(.string(key)) + "]"
    }

    private static func display(_ path: String) -> String {
        path.isEmpty ? "." : path
    }
}
