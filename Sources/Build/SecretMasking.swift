import JSON

/// Hides Secret values in anything shown to people (build output, diffs, logs).
public enum SecretMasking {
    public static let placeholder = "*****"

    /// A copy of the object with every `data` and `stringData` value of a v1 Secret replaced by
    /// the placeholder; other objects are returned unchanged.
    public static func masked(_ object: JSONObject) -> JSONObject {
        guard object["kind"]?.stringValue == "Secret", object["apiVersion"]?.stringValue == "v1" else { return object }
        var copy = object
        for field in ["data", "stringData"] {
            guard case .object(let entries)? = copy[field] else { continue }
            var maskedEntries = JSONObject()
            for (key, _) in entries { maskedEntries[key] = .string(placeholder) }
            copy[field] = .object(maskedEntries)
        }
        return copy
    }
}
