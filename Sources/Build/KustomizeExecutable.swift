#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The external kustomize the agent builds with: `kustomize build`, else `kubectl kustomize`
/// (kubectl embeds kustomize), found in the search path. There is deliberately no built-in
/// fallback: a host without either gets a clear error for the stage that needs one.
public struct KustomizeExecutable: Sendable, Hashable {
    public enum Flavor: String, Sendable, Hashable {
        /// `kustomize build <dir>`
        case kustomize
        /// `kubectl kustomize <dir>`
        case kubectl
    }

    public var path: String
    public var flavor: Flavor

    public init(path: String, flavor: Flavor) {
        self.path = path
        self.flavor = flavor
    }

    /// The first `kustomize` in `searchPath`, else the first `kubectl`; `nil` when neither exists.
    public static func locate(searchPath: String) -> KustomizeExecutable? {
        for flavor in [Flavor.kustomize, .kubectl] {
            for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
                let candidate = (directory.hasSuffix("/") ? String(directory) : directory + "/") + flavor.rawValue
                var status = stat()
                if stat(candidate, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                    return KustomizeExecutable(path: candidate, flavor: flavor)
                }
            }
        }
        return nil
    }

    /// The process's `PATH` (or the usual system directories when it is unset).
    public static var defaultSearchPath: String {
        ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// Arguments that build `directory` with the load restrictor at its default, root-only
    /// (a kustomization may read files only from its own directory tree), plugins, exec
    /// functions and Helm left disabled.
    func arguments(building directory: String) -> [String] {
        let restrictor = ["--load-restrictor", "LoadRestrictionsRootOnly"]
        switch flavor {
        case .kustomize: return ["build"] + restrictor + [directory]
        case .kubectl: return ["kustomize"] + restrictor + [directory]
        }
    }
}
