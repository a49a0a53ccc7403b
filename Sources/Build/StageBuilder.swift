import Fetch

/// Builds a stage's objects from its source files: every `.yaml`, `.yml` and `.json` under the
/// stage path in sorted path order, then the owner labels. An empty result is an error, never
/// an empty apply (which would prune everything).
public enum StageBuilder {
    public static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    public static func build(files: FileMap, path: String, stageSetName: String, stageSetNamespace: String, stage: String)
        throws(BuildError) -> [ManifestObject]
    {
        let directory = FileMap.normalizedDirectory(path)
        let stageFiles = files.subtree(directory)
        if kustomizationFileNames.contains(where: { stageFiles[$0] != nil }) {
            throw BuildError(code: .notSupportedYet, message: "\(displayPath(directory)) holds a kustomization: kustomize builds are not supported yet")
        }
        var objects: [ManifestObject] = []
        for relative in stageFiles.paths where ManifestReader.isManifestFile(relative) {
            let file = directory.isEmpty ? relative : directory + "/" + relative
            objects += try ManifestReader.objects(in: stageFiles[relative] ?? [], file: file)
        }
        guard !objects.isEmpty else {
            throw BuildError(code: .noManifests, message: "no manifests in \(displayPath(directory))")
        }
        OwnerLabels.stamp(&objects, stageSetName: stageSetName, stageSetNamespace: stageSetNamespace, stage: stage)
        return objects
    }

    static func displayPath(_ directory: String) -> String {
        directory.isEmpty ? "./" : "./" + directory
    }
}
