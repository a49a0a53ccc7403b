import Foundation

/// A Git repository with the demo-like layout, plus a config directory pointing at it.
public struct CommandLineFixture {
    public let scratch: ScratchDirectory
    public var repository: String { scratch.file("repository") }

    public init() throws {
        scratch = try ScratchDirectory("cli")
        try scratch.write("repository/clusters/edge/app/config.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: demo
            data:
              mode: one
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: credentials
              namespace: demo
            stringData:
              token: very-secret-token
            """)
        try git(["init", "--quiet", "-b", "main"])
        try commit("first")
    }

    @discardableResult
    public func git(_ arguments: [String]) throws -> String {
        try Shell.check("git", ["-c", "user.email=t@example.invalid", "-c", "user.name=T"] + arguments, in: repository)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git(["add", "-A"])
        try git(["commit", "--quiet", "--allow-empty", "-m", message])
        return try git(["rev-parse", "HEAD"])
    }

    public func writeConfig(ref: String, stageField: String = "") throws -> String {
        try scratch.write("config/edge.yaml", """
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: edge
              namespace: demo
            spec:
              stages:
                - name: app
                  sourceRef:
                    kind: GitRepository
                    name: config
                  path: ./clusters/edge/app\(stageField)
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: config
              namespace: demo
            spec:
              url: file://\(repository)
              interval: 1m
              ref:
                \(ref)
            """)
        return scratch.file("config")
    }

    /// Adds the `demo` Namespace the objects live in (a real cluster, and the emulator, need it).
    public func addNamespace() throws {
        try scratch.write("repository/clusters/edge/app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")
        try commit("namespace")
    }
}
