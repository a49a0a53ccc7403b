#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which kubeconfig files to read, in kubectl's order: an explicit path alone (no merging);
/// otherwise every file of `$KUBECONFIG` (`:`-separated, duplicates and empty entries dropped,
/// missing files skipped); otherwise `~/.kube/config`.
public struct KubeconfigLoadingRules: Sendable {
    /// `--kubeconfig`: exactly this file, which must exist.
    public var explicitPath: String?
    /// The value of `$KUBECONFIG`.
    public var kubeconfigVariable: String?
    /// `$HOME`, for `~/.kube/config`.
    public var homeDirectory: String?

    public init(explicitPath: String? = nil, kubeconfigVariable: String? = nil, homeDirectory: String? = nil) {
        self.explicitPath = explicitPath.flatMap { $0.isEmpty ? nil : $0 }
        self.kubeconfigVariable = kubeconfigVariable
        self.homeDirectory = homeDirectory
    }

    /// Rules from an environment (`KUBECONFIG`, `HOME`), with an optional explicit path.
    public static func standard(
        explicitPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> KubeconfigLoadingRules {
        KubeconfigLoadingRules(explicitPath: explicitPath, kubeconfigVariable: environment["KUBECONFIG"], homeDirectory: environment["HOME"])
    }

    /// The candidate files, highest precedence first.
    public var precedence: [String] {
        if let explicitPath { return [explicitPath] }
        if let variable = kubeconfigVariable, !variable.isEmpty {
            var seen = Set<String>()
            var files: [String] = []
            for entry in variable.split(separator: ":", omittingEmptySubsequences: true) {
                let path = String(entry)
                if seen.insert(path).inserted { files.append(path) }
            }
            return files
        }
        guard let home = homeDirectory, !home.isEmpty else { return [] }
        return [FilePaths.clean(home + "/.kube/config")]
    }

    /// Reads and merges the files (first definition wins), resolving relative references per file.
    public func load() throws(KubeError) -> Kubeconfig {
        var merged = Kubeconfig()
        for path in precedence {
            let bytes: [UInt8]
            switch Self.read(path) {
            case .success(let content):
                bytes = content
            case .failure(.missing):
                if explicitPath != nil {
                    throw KubeError(.kubeconfig, "kubeconfig \(path) (given explicitly) does not exist")
                }
                merged.missingFiles.append(path)
                continue
            case .failure(.unreadable(let reason)):
                throw KubeError(.kubeconfig, "kubeconfig \(path) cannot be read: \(reason)")
            }
            merged.merge(laterFile: try Kubeconfig.parse(bytes, path: path))
        }
        return merged
    }

    enum ReadFailure: Error {
        case missing
        case unreadable(String)
    }

    static func read(_ path: String) -> Result<[UInt8], ReadFailure> {
        var isDirectory: Bool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing) }
        if isDirectory { return .failure(.unreadable("it is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable("permission denied or I/O error"))
        }
        return .success([UInt8](data))
    }
}

extension Kubeconfig {
    /// Loads the kubeconfig kubectl would use (see `KubeconfigLoadingRules.standard`).
    public static func load(explicitPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(KubeError) -> Kubeconfig
    {
        try KubeconfigLoadingRules.standard(explicitPath: explicitPath, environment: environment).load()
    }
}
