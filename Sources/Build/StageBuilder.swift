import Fetch
import StageSpec

/// Builds a stage's objects from its (already decrypted) source files; the one entry point that
/// `build`, `diff` and `reconcile` share. It picks, per stage:
/// - JaaS output: the stage directory holds only a `rendered.json` and there are no patches →
///   `JsonnetOutputExtractor` (one object, an array, a List, or a Tanka-style tree);
/// - kustomize: the stage directory, or a directory below it, holds a kustomization, or the
///   stage has patches → `KustomizeBuilder` (an external kustomize);
/// - plain: otherwise every `.yaml`, `.yml` and `.json` under the stage path in sorted path order.
/// Then it stamps the owner labels. An empty result is an error, never an empty apply (which
/// would prune everything).
public enum StageBuilder {
    public static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// How a stage's objects are produced.
    public enum Mode: String, Sendable, Hashable {
        case plain
        case jsonnetOutput
        case kustomize
    }

    /// The mode `build` uses for the stage at `path` with `patches`.
    public static func mode(files: FileMap, path: String, patches: [KustomizePatch] = []) -> Mode {
        let stageFiles = files.subtree(FileMap.normalizedDirectory(path))
        if !patches.isEmpty { return .kustomize }
        if stageFiles.paths.contains(where: { path in
            kustomizationFileNames.contains { path == $0 || path.hasSuffix("/" + $0) }
        }) {
            return .kustomize
        }
        if stageFiles.paths == [JaaSSource.renderedFileName] { return .jsonnetOutput }
        return .plain
    }

    /// Builds the stage at `path` of `files` and stamps the owner labels.
    public static func build(
        files: FileMap, path: String, stageSetName: String, stageSetNamespace: String, stage: String,
        patches: [KustomizePatch] = [], options: BuildOptions = BuildOptions()
    ) async throws(BuildError) -> [ManifestObject] {
        let directory = FileMap.normalizedDirectory(path)
        var objects: [ManifestObject]
        switch mode(files: files, path: directory, patches: patches) {
        case .kustomize:
            objects = try await KustomizeBuilder.build(files: files, path: directory, patches: patches, options: options)
        case .jsonnetOutput:
            let file = KustomizeBuilder.join(directory, JaaSSource.renderedFileName)
            objects = try JsonnetOutputExtractor.objects(in: files[file] ?? [], file: file)
        case .plain:
            objects = try plainObjects(files.subtree(directory), directory: directory)
        }
        guard !objects.isEmpty else {
            throw BuildError(code: .noManifests, message: "no manifests in \(displayPath(directory))")
        }
        OwnerLabels.stamp(&objects, stageSetName: stageSetName, stageSetNamespace: stageSetNamespace, stage: stage)
        return objects
    }

    /// Builds one stage of a StageSet with its path and patches.
    public static func build(files: FileMap, stage: Stage, of stageSet: StageSet, options: BuildOptions = BuildOptions())
        async throws(BuildError) -> [ManifestObject]
    {
        try await build(
            files: files, path: stage.path, stageSetName: stageSet.metadata.name, stageSetNamespace: stageSet.metadata.namespace,
            stage: stage.name, patches: stage.patches, options: options)
    }

    static func plainObjects(_ stageFiles: FileMap, directory: String) throws(BuildError) -> [ManifestObject] {
        var objects: [ManifestObject] = []
        for relative in stageFiles.paths where ManifestReader.isManifestFile(relative) {
            let file = directory.isEmpty ? relative : directory + "/" + relative
            objects += try ManifestReader.objects(in: stageFiles[relative] ?? [], file: file)
        }
        return objects
    }

    static func displayPath(_ directory: String) -> String {
        directory.isEmpty ? "./" : "./" + directory
    }
}
