import JSON

/// Decodes a `JsonnetSnippet` for the host: the JaaS HTTP renderer to call and the TLAs to send.
enum JsonnetSnippetDecoder {
    static func decode(_ document: FieldReader) -> JsonnetSnippet? {
        let metadata = document.metadata()
        let spec = document.object("spec", required: true).flatMap { decodeSpec($0, defaultSnippet: metadata?.name) }
        document.rejectUnknownFields()
        guard let metadata, let spec else { return nil }
        return JsonnetSnippet(metadata: metadata, spec: spec, origin: document.origin)
    }

    private static func decodeSpec(_ spec: FieldReader, defaultSnippet: String?) -> JsonnetSnippetSpec? {
        let renderer = spec.object("renderer", required: true).flatMap { decodeRenderer($0, defaultSnippet: defaultSnippet) }
        let arguments = decodeTopLevelArguments(spec)
        let interval = spec.duration("interval") ?? JsonnetSnippet.defaultInterval
        if interval <= .zero { spec.report(.invalidValue, at: spec.path.child("interval"), "must be greater than zero") }
        let timeout = spec.duration("timeout") ?? JsonnetSnippet.defaultTimeout
        let operatorOnly =
            "not applicable on a host: this field is evaluated by the JaaS operator, while the agent calls a JaaS HTTP renderer; configure the snippet on the renderer and set spec.renderer"
        for key in ["files", "sourceRef", "entryFile", "libraries", "history"] {
            spec.refuseOnHost(key, because: operatorOnly)
        }
        spec.refuseOnHost("externalVariables",
            because: "not applicable on a host: the JaaS HTTP renderer binds external variables process-wide (JAAS_EXT_VAR_*), not per request")
        spec.refuseOnHost("serviceAccountName", because: StageSetDecoder.serviceAccountExplanation)
        if let output = spec.string("output"), output != "rendered" {
            spec.report(.notApplicableOnHost, at: spec.path.child("output"),
                "only \"rendered\" output is available from a JaaS HTTP renderer")
        }
        spec.refuseNotSupportedYet(["suspend"])
        spec.rejectUnknownFields()
        guard let renderer else { return nil }
        return JsonnetSnippetSpec(renderer: renderer, topLevelArguments: arguments, interval: interval, timeout: timeout)
    }

    private static func decodeRenderer(_ renderer: FieldReader, defaultSnippet: String?) -> JsonnetRenderer? {
        let url = renderer.string("url", required: true)
        if let url {
            let lower = url.lowercased()
            if !(lower.hasPrefix("http://") || lower.hasPrefix("https://")) || url.count < 9 {
                renderer.report(.invalidValue, at: renderer.path.child("url"), "must be an http:// or https:// URL")
            }
        }
        let snippet = renderer.string("snippet") ?? defaultSnippet
        let secretRef = renderer.secretReference("secretRef")
        renderer.rejectUnknownFields()
        guard let url, let snippet else { return nil }
        return JsonnetRenderer(url: url, snippet: snippet, secretRef: secretRef)
    }

    /// `tlas` in either shape: the CRD's map of name to values, or a list of `{name, value, code}`.
    private static func decodeTopLevelArguments(_ spec: FieldReader) -> [TopLevelArgument] {
        guard let value = spec.value("tlas") else { return [] }
        let path = spec.path.child("tlas")
        switch value {
        case .object(let map):
            var arguments: [TopLevelArgument] = []
            for (name, values) in map {
                switch values {
                case .string(let single):
                    arguments.append(TopLevelArgument(name: name, values: [single]))
                case .array(let list):
                    var strings: [String] = []
                    for (index, element) in list.enumerated() {
                        guard case .string(let text) = element else {
                            spec.report(.invalidValue, at: path.child(name).index(index), "must be a string, not \(element.typeName)")
                            continue
                        }
                        strings.append(text)
                    }
                    arguments.append(TopLevelArgument(name: name, values: strings))
                default:
                    spec.report(.invalidValue, at: path.child(name), "must be a string or a list of strings, not \(values.typeName)")
                }
            }
            return arguments
        case .array:
            var arguments: [TopLevelArgument] = []
            for argument in spec.objects("tlas") ?? [] {
                let name = argument.string("name", required: true)
                let text = argument.string("value") ?? ""
                if argument.bool("code") == true {
                    argument.report(.notApplicableOnHost, at: argument.path.child("code"),
                        "code TLAs cannot be sent to a JaaS HTTP renderer: it binds query parameters as strings only")
                }
                argument.rejectUnknownFields()
                if let name {
                    if let existing = arguments.firstIndex(where: { $0.name == name }) {
                        arguments[existing].values.append(text)
                    } else {
                        arguments.append(TopLevelArgument(name: name, values: [text]))
                    }
                }
            }
            return arguments
        default:
            spec.report(.invalidValue, at: path, "must be a map of name to values or a list of {name, value}")
            return []
        }
    }
}
