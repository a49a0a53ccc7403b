import JSON
import YAML

/// Decodes and checks `stages[].patches` (Flux's `Patch` list) so that a patch kustomize would
/// refuse is reported at load time, with its field path.
enum KustomizePatchDecoder {
    static let operations: Set<String> = ["add", "remove", "replace", "move", "copy", "test"]

    static func decode(_ stage: FieldReader) -> [KustomizePatch] {
        var patches: [KustomizePatch] = []
        for element in stage.objects("patches") ?? [] {
            if let patch = decodePatch(element) { patches.append(patch) }
        }
        return patches
    }

    private static func decodePatch(_ element: FieldReader) -> KustomizePatch? {
        let text = element.string("patch", required: true)
        let target = element.object("target").map(decodeSelector)
        element.rejectUnknownFields()
        guard let text else { return nil }
        let patchPath = element.path.child("patch")
        if text.allSatisfy(\.isWhitespace) {
            element.report(.missingField, at: patchPath, "must not be empty")
            return nil
        }
        let documents: [JSONValue]
        do {
            let stream = try YAMLParser.parse(text)
            documents = try stream.documents.compactMap { document throws(YAMLError) in try document.root?.jsonValue() }
                .filter { !$0.isNull }
        } catch {
            element.report(.invalidValue, at: patchPath, "not valid YAML or JSON: \(error)")
            return nil
        }
        guard !documents.isEmpty else {
            element.report(.missingField, at: patchPath, "must not be empty")
            return nil
        }
        if case .array(let operations) = documents[0] {
            guard documents.count == 1 else {
                element.report(.invalidValue, at: patchPath, "a JSON6902 patch is one list of operations, not several documents")
                return nil
            }
            if target == nil {
                element.report(.missingField, at: element.path.child("target"),
                    "a JSON6902 patch (a list of operations) needs a target selecting the objects it applies to")
            }
            if let problem = jsonPatchProblem(operations) {
                element.report(.invalidValue, at: patchPath, problem)
                return nil
            }
        } else {
            for (index, document) in documents.enumerated() {
                let place = documents.count > 1 ? "document \(index): " : ""
                guard case .object(let object) = document else {
                    element.report(.invalidValue, at: patchPath,
                        "\(place)must be a strategic-merge patch (an object with apiVersion, kind and metadata.name) or a JSON6902 patch (a list of operations), not \(document.typeName)")
                    return nil
                }
                if let problem = strategicMergeProblem(object, hasTarget: target != nil) {
                    element.report(.invalidValue, at: patchPath, place + problem)
                    return nil
                }
            }
        }
        return KustomizePatch(patch: text, target: target)
    }

    private static func strategicMergeProblem(_ object: JSONObject, hasTarget: Bool) -> String? {
        var missing: [String] = []
        if !hasTarget && object["apiVersion"]?.stringValue?.isEmpty != false { missing.append("apiVersion") }
        if object["kind"]?.stringValue?.isEmpty != false { missing.append("kind") }
        if object["metadata"]?["name"]?.stringValue?.isEmpty != false { missing.append("metadata.name") }
        guard !missing.isEmpty else { return nil }
        let reason = hasTarget
            ? "kustomize reads a strategic-merge patch only when it names a kind and metadata.name (any name works with a target)"
            : "without a target, kustomize finds the object to patch by the patch's apiVersion, kind and metadata.name"
        return "strategic-merge patch lacks \(missing.joined(separator: ", ")): \(reason)"
    }

    private static func jsonPatchProblem(_ operations: [JSONValue]) -> String? {
        if operations.isEmpty { return "a JSON6902 patch needs at least one operation" }
        for (index, operation) in operations.enumerated() {
            guard case .object(let object) = operation else {
                return "operation \(index): must be an object like {op: replace, path: /spec/replicas, value: 2}, not \(operation.typeName)"
            }
            guard let name = object["op"]?.stringValue else { return "operation \(index): op is missing" }
            guard Self.operations.contains(name) else {
                return "operation \(index): unknown op \"\(name)\" (allowed: add, remove, replace, move, copy, test)"
            }
            guard let path = object["path"]?.stringValue else { return "operation \(index): path is missing" }
            if !path.isEmpty && !path.hasPrefix("/") {
                return "operation \(index): path \"\(path)\" must be a JSON pointer starting with /"
            }
            if ["add", "replace", "test"].contains(name) && object["value"] == nil {
                return "operation \(index): \(name) needs a value"
            }
            if ["move", "copy"].contains(name) {
                guard let from = object["from"]?.stringValue else { return "operation \(index): \(name) needs from" }
                if !from.isEmpty && !from.hasPrefix("/") {
                    return "operation \(index): from \"\(from)\" must be a JSON pointer starting with /"
                }
            }
        }
        return nil
    }

    private static func decodeSelector(_ target: FieldReader) -> PatchSelector {
        let selector = PatchSelector(
            group: target.string("group"), version: target.string("version"), kind: target.string("kind"),
            name: target.string("name"), namespace: target.string("namespace"), labelSelector: target.string("labelSelector"),
            annotationSelector: target.string("annotationSelector"))
        for (key, value) in [("labelSelector", selector.labelSelector), ("annotationSelector", selector.annotationSelector)] {
            if let value, let problem = LabelSelectorSyntax.problem(in: value) {
                target.report(.invalidValue, at: target.path.child(key), problem)
            }
        }
        target.rejectUnknownFields()
        return selector
    }
}
