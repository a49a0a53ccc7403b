/// The events the engine logs under the metadata key `event`, each with a stable journal
/// `MESSAGE_ID` (generated once with `systemd-id128 new`; never change one, the catalog and
/// operators' queries rely on it). See `systemd/stageset-agent.catalog` and docs/systemd.md.
public enum AgentEvent: String, Sendable, CaseIterable {
    case stageApplied = "stage-applied"
    case stageReady = "stage-ready"
    case stageFailed = "stage-failed"
    case objectPruned = "object-pruned"
    case sourceUpdated = "source-updated"
    case rolledBack = "rolled-back"
    case configReloaded = "config-reloaded"
    case passFailed = "pass-failed"
    case inventoryReconstructed = "inventory-reconstructed"
    case rollbackStarted = "rollback-started"
    case rollbackFailed = "rollback-failed"
    case rollbackStoreFailed = "rollback-store-failed"
    case configReloadFailed = "config-reload-failed"
    case agentStarted = "agent-started"
    case agentStopping = "agent-stopping"

    /// The metadata key the engine puts the event name under.
    public static let metadataKey = "event"

    /// The 128-bit journal MESSAGE_ID, lowercase hex without dashes.
    public var messageID: String {
        switch self {
        case .stageApplied: "6cba6f12ddc94c7aa879c7c28d838af9"
        case .stageReady: "1276c226822547cfae36b5f7c7ab2f52"
        case .stageFailed: "78a07b079d6e4bc3b237cfbe5c7e99e9"
        case .objectPruned: "90edc99ce7b64eec809aca5ff4b13254"
        case .sourceUpdated: "012697f7f61249a69ef774f05223d329"
        case .rolledBack: "31b2b4c91df743ce8e1d08af449af55d"
        case .configReloaded: "95167965ab6e4736aefb0d6ce2ae75d5"
        case .passFailed: "47a32508c663414cbd7a9b7a1e864fee"
        case .inventoryReconstructed: "69a80caa1f724537adc9bb2a5b25bb67"
        case .rollbackStarted: "0e4819cdef45479a88459bd4bdae81a5"
        case .rollbackFailed: "154229b055604c348ba48cf113d3169e"
        case .rollbackStoreFailed: "d293c77a511b404897ae2340012ed092"
        case .configReloadFailed: "3a3e996bd8fc40679e705ce99a43dfb7"
        case .agentStarted: "f9a0286a262843d5b76b8d99d6f22c1b"
        case .agentStopping: "a04f993300384b3d877f14c59e0ed787"
        }
    }
}
