import Fetch
import StageSpec

/// The revisions of every source a StageSet reads, resolved once at the start of a pass so all
/// stages apply one consistent snapshot.
public struct PinnedSources: Sendable {
    public var gitPins: [ObjectKey: GitPin]

    public init(gitPins: [ObjectKey: GitPin] = [:]) {
        self.gitPins = gitPins
    }

    /// The pinned revision of a stage's source.
    public func revision(of stage: Stage) -> String? {
        switch stage.sourceRef.kind {
        case .gitRepository: return gitPins[stage.sourceRef.key]?.revision
        case .jsonnetSnippet: return nil
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

    public init(git: GitSource) {
        self.git = git
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
                throw PinFailure(stage: stage.name, error: SourceError(code: .other, source: "JsonnetSnippet/\(snippet.key)",
                    message: "JsonnetSnippet sources are not supported yet"))
            case nil:
                throw PinFailure(stage: stage.name, error: SourceError(code: .notFound, source: stage.sourceRef.description,
                    message: "source is not defined in the configuration"))
            }
        }
        return pins
    }

    /// The files of a stage's source at its pinned revision.
    public func files(for stage: Stage, in configuration: Configuration, pins: PinnedSources) async throws(SourceError) -> SourceArtifact {
        switch configuration.source(of: stage) {
        case .git(let repository):
            guard let pin = pins.gitPins[repository.key] else {
                throw SourceError(code: .other, source: stage.sourceRef.description, message: "source was not pinned")
            }
            return try await git.read(repository, pin: pin, directory: stage.path)
        case .jsonnet(let snippet):
            throw SourceError(code: .other, source: "JsonnetSnippet/\(snippet.key)", message: "JsonnetSnippet sources are not supported yet")
        case nil:
            throw SourceError(code: .notFound, source: stage.sourceRef.description, message: "source is not defined in the configuration")
        }
    }
}
