import Foundation

/// A temporary directory for one test, removed when the value is released.
public final class ScratchDirectory: @unchecked Sendable {
    /// The directory itself.
    public let directory: String

    public init(_ label: String = "test") throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/stageset-\(label).XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestFailure("cannot create a temporary directory") }
        directory = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    public var url: URL { URL(fileURLWithPath: directory) }

    public func file(_ relative: String) -> String { directory + "/" + relative }

    public func path(_ relative: String) -> String { file(relative) }

    public func read(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file(relative)) else { throw TestFailure("cannot read \(file(relative))") }
        return [UInt8](data)
    }

    /// Writes text (creating parent directories) and returns the path.
    @discardableResult
    public func write(_ relative: String, _ text: String, mode: Int = 0o644) throws -> String {
        try write(relative, Array(text.utf8), mode: mode)
    }

    @discardableResult
    public func write(_ relative: String, _ bytes: some Sequence<UInt8>, mode: Int = 0o644) throws -> String {
        let target = file(relative)
        let parent = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: target, contents: Data(Array(bytes)), attributes: [.posixPermissions: mode]) else {
            throw TestFailure("cannot write \(target)")
        }
        return target
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
