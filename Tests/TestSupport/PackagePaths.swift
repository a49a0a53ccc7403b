import Foundation

/// Paths inside this package, for tests that need fixtures or built executables.
public enum PackagePaths {
    /// The package root, found from this file's location.
    public static var root: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// A product built next to the running test bundle (e.g. `stageset-agent`).
    public static func builtProduct(_ name: String) throws -> String {
        var candidates: [String] = []
        if let overridePath = ProcessInfo.processInfo.environment["STAGESET_AGENT_BUILD_DIR"] {
            candidates.append(overridePath + "/" + name)
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name).path)
            directory.deleteLastPathComponent()
        }
        candidates.append(root + "/.build/debug/" + name)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestFailure("built product \(name) not found (looked in \(candidates.joined(separator: ", ")))")
    }
}
