import Fetch
import StageSpec

/// The revisions of every source a StageSet reads, resolved once at the start of a pass so all
/// stages apply one consistent snapshot. A JaaS source is pinned by fetching its body: the
/// body is the artifact, and it is what the stage builds.
public struct PinnedSources: Sendable {
    public var gitPins: [ObjectKey: GitPin]
    public var renderedSnippets: [ObjectKey: SourceArtifact]

    public init(gitPins: [ObjectKey: GitPin] = [:], renderedSnippets: [ObjectKey: SourceArtifact] = [:]) {
        self.gitPins = gitPins
        self.renderedSnippets = renderedSnippets
    }

    /// Source (`GitRepository/ns/name`) → pinned revision, for the stages given.
    public func revisionsBySource(_ stages: [Stage], in configuration: Configuration) -> [String: String] {
        var result: [String: String] = [:]
        for stage in stages {
            if let source = configuration.source(of: stage), let revision = revision(of: stage) { result[source.displayName] = revision }
        }
        return result
    }

    /// The pinned revision of a stage's source.
    public func revision(of stage: Stage) -> String? {
        switch stage.sourceRef.kind {
        case .gitRepository: return gitPins[stage.sourceRef.key]?.revision
        case .jsonnetSnippet: return renderedSnippets[stage.sourceRef.key]?.revision
        }
    }
}

/// A source that could not be pinned, with the stage that needed it.
public struct PinFailure: Error, Sendable, CustomStringConvertible {
    public var stage: String
    public var error: SourceError

    public var description: String { "stage \(stage): \(error)" }
}

/// Resolves and fetches sources for a pass.
public struct SourceFetcher: Sendable {
    public var git: GitSource
    public var jaas: JaaSSource?

    public init(git: GitSource, jaas: JaaSSource? = nil) {
        self.git = git
        self.jaas = jaas
    }

    /// Pins the source of every stage; fails on the first source that cannot be resolved,
    /// before anything touches the cluster.
    public func pin(_ stageSet: StageSet, in configuration: Configuration, stages: [Stage]? = nil) async throws(PinFailure) -> PinnedSources {
        var pins = PinnedSources()
        for stage in stages ?? stageSet.spec.stages {
            switch configuration.source(of: stage) {
            case .git(let repository):
                if pins.gitPins[repository.key] != nil { continue }
                do {
                    pins.gitPins[repository.key] = try await git.pin(repository)
                } catch {
                    throw PinFailure(stage: stage.name, error: error)
                }
            case .jsonnet(let snippet):
                if pins.renderedSnippets[snippet.key] != nil { continue }
                guard let jaas else {
                    throw PinFailure(stage: stage.name, error: SourceError(code: .other, source: JaaSSource.describe(snippet),
                        message: "no HTTP client is available for JaaS renderers"))
                }
                do {
                    pins.renderedSnippets[snippet.key] = try await jaas.fetch(snippet)
                } catch {
                    throw PinFailure(stage: stage.name, error: error)
                }
            case nil:
                throw PinFailure(stage: stage.name, error: SourceError(code: .notFound, source: stage.sourceRef.description,
                    message: "source is not defined in the configuration"))
            }
        }
        return pins
    }

    /// The files of a stage's source at its pinned revision: the stage path, or the whole
    /// repository when the stage is a kustomization (it may refer to bases elsewhere in it).
    public func files(for stage: Stage, in configuration: Configuration, pins: PinnedSources) async throws(SourceError) -> SourceArtifact {
        switch configuration.source(of: stage) {
        case .git(let repository):
            guard let pin = pins.gitPins[repository.key] else {
                throw SourceError(code: .other, source: stage.sourceRef.description, message: "source was not pinned")
            }
            let artifact = try await git.read(repository, pin: pin, directory: stage.path)
            let directory = FileMap.normalizedDirectory(stage.path)
            let hasKustomization = ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains {
                artifact.files[directory.isEmpty ? $0 : directory + "/" + $0] != nil
            }
            if hasKustomization && !directory.isEmpty {
                return try await git.read(repository, pin: pin, directory: nil)
            }
            return artifact
        case .jsonnet(let snippet):
            guard var artifact = pins.renderedSnippets[snippet.key] else {
                throw SourceError(code: .other, source: stage.sourceRef.description, message: "source was not pinned")
            }
            // The rendered body lives at the stage path, so the stage builds it as it would a file there.
            let directory = FileMap.normalizedDirectory(stage.path)
            if !directory.isEmpty, let body = artifact.files[JaaSSource.renderedFileName] {
                artifact.files = FileMap([directory + "/" + JaaSSource.renderedFileName: body])
            }
            return artifact
        case nil:
            throw SourceError(code: .notFound, source: stage.sourceRef.description, message: "source is not defined in the configuration")
        }
    }
}

extension Source {
    /// `GitRepository/namespace/name` or `JsonnetSnippet/namespace/name`.
    public var displayName: String {
        switch self {
        case .git(let repository): return "GitRepository/\(repository.key)"
        case .jsonnet(let snippet): return "JsonnetSnippet/\(snippet.key)"
        }
    }
}
