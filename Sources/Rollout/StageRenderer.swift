import Build
import Fetch
import StageSpec

/// A stage built from its pinned source: the objects to apply and where they came from.
public struct RenderedStage: Sendable {
    public var stage: Stage
    public var revision: String
    public var objects: [ManifestObject]
    public var skipped: [SkippedEntry]
}

/// Why a stage could not be rendered.
public enum RenderFailure: Error, Sendable, CustomStringConvertible {
    case source(SourceError)
    case build(BuildError)

    public var description: String {
        switch self {
        case .source(let error): return error.description
        case .build(let error): return error.description
        }
    }
}

/// Fetches a stage's files at the pinned revision and builds its objects.
public struct StageRenderer: Sendable {
    public var fetcher: SourceFetcher

    public init(fetcher: SourceFetcher) {
        self.fetcher = fetcher
    }

    public func render(_ stage: Stage, of stageSet: StageSet, in configuration: Configuration, pins: PinnedSources)
        async throws(RenderFailure) -> RenderedStage
    {
        let artifact: SourceArtifact
        do {
            artifact = try await fetcher.files(for: stage, in: configuration, pins: pins)
        } catch {
            throw .source(error)
        }
        do {
            let objects = try StageBuilder.build(
                files: artifact.files, path: stage.path, stageSetName: stageSet.metadata.name,
                stageSetNamespace: stageSet.metadata.namespace, stage: stage.name)
            return RenderedStage(stage: stage, revision: artifact.revision, objects: objects, skipped: artifact.skipped)
        } catch {
            throw .build(error)
        }
    }
}
