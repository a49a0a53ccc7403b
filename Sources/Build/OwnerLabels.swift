/// The labels that mark an object as applied by one StageSet stage; the same keys the
/// StageSet controller stamps, so `kubectl -l` and the controller see the same ownership.
public enum OwnerLabels {
    public static let name = "stages.metio.wtf/name"
    public static let namespace = "stages.metio.wtf/namespace"
    public static let stage = "stages.metio.wtf/stage"

    /// Stamps the three owner labels on every object.
    public static func stamp(_ objects: inout [ManifestObject], stageSetName: String, stageSetNamespace: String, stage: String) {
        for index in objects.indices {
            objects[index].setLabel(Self.name, stageSetName)
            objects[index].setLabel(Self.namespace, stageSetNamespace)
            objects[index].setLabel(Self.stage, stage)
        }
    }
}
