import Foundation

/// A real Git repository made for a test: a working clone to commit in and a bare
/// repository that servers export.
public final class GitFixture: @unchecked Sendable {
    public let scratch: ScratchDirectory
    public let work: String
    public let bare: String

    public init() throws {
        scratch = try ScratchDirectory("git")
        work = scratch.file("work")
        bare = scratch.file("served/repo.git")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try git(["init", "--quiet", "-b", "main"])
        try Shell.check("git", ["init", "--quiet", "--bare", bare])
    }

    public var fileURL: String { "file://" + bare }

    @discardableResult
    public func git(_ arguments: [String]) throws -> String {
        try Shell.check("git", ["-c", "user.email=test@example.invalid", "-c", "user.name=Test", "-c", "commit.gpgsign=false"] + arguments,
            in: work).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes files, commits them, pushes every ref, and returns the commit hash.
    @discardableResult
    public func commit(_ files: [String: String], message: String = "change", removing: [String] = []) throws -> String {
        for (path, text) in files {
            try scratch.write("work/" + path, text)
        }
        for path in removing { try git(["rm", "--quiet", "-r", path]) }
        try git(["add", "-A"])
        try git(["commit", "--quiet", "--allow-empty", "-m", message])
        try push()
        return try git(["rev-parse", "HEAD"])
    }

    public func push() throws {
        try git(["push", "--quiet", "--force", "--mirror", bare])
    }

    public func tag(_ name: String, annotated: Bool = false) throws {
        if annotated {
            try git(["tag", "-a", name, "-m", "release \(name)"])
        } else {
            try git(["tag", name])
        }
        try push()
    }
}

public let sampleManifest = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      mode: test
    """
