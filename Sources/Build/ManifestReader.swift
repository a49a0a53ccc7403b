import JSON
import YAML

/// Turns YAML and JSON files into Kubernetes objects: multi-document YAML, `kind: List`
/// flattened, empty documents skipped, `apiVersion`/`kind`/`metadata.name` required.
public enum ManifestReader {
    /// True for the file types a plain build reads.
    public static func isManifestFile(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }

    /// Reads every object of one file.
    public static func objects(in bytes: [UInt8], file: String) throws(BuildError) -> [ManifestObject] {
        var documents: [(JSONValue, Int)] = []
        if file.hasSuffix(".json") {
            do {
                documents.append((try JSONParser.parse(bytes), 0))
            } catch {
                throw BuildError(code: .syntax, message: "\(file): \(error)")
            }
        } else {
            let stream: YAMLStream
            do {
                stream = try YAMLParser.parse(bytes)
            } catch {
                throw BuildError(code: .syntax, message: "\(file): \(error)")
            }
            for (index, document) in stream.documents.enumerated() {
                guard let root = document.root else { continue }
                do {
                    documents.append((try root.jsonValue(), index))
                } catch {
                    throw BuildError(code: .syntax, message: "\(file)[\(index)]: \(error)")
                }
            }
        }
        var objects: [ManifestObject] = []
        for (value, index) in documents {
            try flatten(value, file: file, documentIndex: index, location: "", into: &objects)
        }
        return objects
    }

    private static func flatten(_ value: JSONValue, file: String, documentIndex: Int, location: String, into objects: inout [ManifestObject])
        throws(BuildError)
    {
        let place = "\(file)[\(documentIndex)]\(location)"
        switch value {
        case .null:
            return
        case .object(let object):
            if object.isEmpty { return }
            if let kind = object["kind"]?.stringValue, kind.hasSuffix("List"), case .array(let items)? = object["items"] {
                for (itemIndex, item) in items.enumerated() {
                    try flatten(item, file: file, documentIndex: documentIndex, location: "\(location).items[\(itemIndex)]", into: &objects)
                }
                return
            }
            try validate(object, place: place)
            objects.append(ManifestObject(value: object, file: file, documentIndex: documentIndex))
        case .array(let items) where file.hasSuffix(".json"):
            for (itemIndex, item) in items.enumerated() {
                try flatten(item, file: file, documentIndex: documentIndex, location: "\(location)[\(itemIndex)]", into: &objects)
            }
        default:
            throw BuildError(code: .invalidObject, message: "\(place): expected a Kubernetes object, found \(value.typeName)")
        }
    }

    static func validate(_ object: JSONObject, place: String) throws(BuildError) {
        guard case .string(let apiVersion)? = object["apiVersion"], !apiVersion.isEmpty else {
            throw BuildError(code: .invalidObject, message: "\(place): apiVersion is missing")
        }
        guard case .string(let kind)? = object["kind"], !kind.isEmpty else {
            throw BuildError(code: .invalidObject, message: "\(place): kind is missing")
        }
        guard case .object(let metadata)? = object["metadata"], case .string(let name)? = metadata["name"], !name.isEmpty else {
            throw BuildError(code: .invalidObject, message: "\(place): \(kind) has no metadata.name")
        }
        if let namespace = metadata["namespace"], namespace.stringValue == nil, !namespace.isNull {
            throw BuildError(code: .invalidObject, message: "\(place): \(kind)/\(name): metadata.namespace must be a string")
        }
    }
}
