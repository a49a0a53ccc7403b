/// Turns kustomize's standard error into an operator message: klog line headers and
/// `"command failed" err=` wrappers (kubectl) or the `Error: ` prefix (kustomize) removed, the
/// private build directory replaced by source-relative paths, trimmed and bounded.
enum KustomizeErrorText {
    static let maximumCharacters = 4000

    static func clean(_ standardError: String, workspace: String) -> String {
        var lines: [String] = []
        for rawLine in standardError.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = Substring(rawLine)
            if let header = klogHeaderEnd(line) { line = line[header...] }
            if line.hasPrefix("\"command failed\" err=") { line = line.dropFirst("\"command failed\" err=".count) }
            if line.hasPrefix("Error: ") { line = line.dropFirst("Error: ".count) }
            var text = String(line)
            if text == "<" || text.trimmingSpaces == ">" { continue }
            if text.hasPrefix("<") { text.removeFirst() }
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
                text = String(text.dropFirst().dropLast()).replacing("\\\"", with: "\"").replacing("\\\\", with: "\\")
            }
            text = text.trimmingSpaces
            if !text.isEmpty { lines.append(text) }
        }
        var text = lines.joined(separator: "\n")
        text = text.replacing(workspace + "/source/", with: "").replacing(workspace + "/source", with: ".")
            .replacing(workspace + "/overlay", with: "(generated overlay)").replacing(workspace, with: "(build directory)")
        if text.count > maximumCharacters { text = String(text.prefix(maximumCharacters)) + "…" }
        return text
    }

    /// The index after `E1129 13:06:18.745543   20629 run.go:72] `, when the line starts with a klog header.
    private static func klogHeaderEnd(_ line: Substring) -> Substring.Index? {
        guard let first = line.first, "IWEF".contains(first), line.dropFirst().prefix(4).allSatisfy(\.isNumber),
            let bracket = line.firstRange(of: "] ")
        else { return nil }
        return bracket.upperBound
    }
}
