#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The files one StageSet keeps under the state directory: `<state>/<namespace>/<name>/`
/// with `status.json` and `inventory.json`, each written atomically and durably.
public struct StageSetStateStore: Sendable {
    public let directory: String

    public init(stateDirectory: String, namespace: String, name: String) {
        directory = (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + namespace + "/" + name
    }

    /// Removes temporary files that a crash left behind (only one agent writes here: the lock says so).
    public func removeInterruptedWrites() {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for file in files where file.contains(".tmp-") {
            try? AtomicFile.remove(directory + "/" + file)
        }
    }

    public var statusPath: String { directory + "/status.json" }
    public var inventoryPath: String { directory + "/inventory.json" }

    public func readStatus() throws(StoreError) -> StageSetStatus? {
        try read(StageSetStatus.self, from: statusPath)
    }

    public func writeStatus(_ status: StageSetStatus) throws(StoreError) {
        try write(status, to: statusPath)
    }

    public func readInventory() throws(StoreError) -> Inventory? {
        try read(Inventory.self, from: inventoryPath)
    }

    public func writeInventory(_ inventory: Inventory) throws(StoreError) {
        try write(inventory, to: inventoryPath)
    }

    private func read<Value: Decodable>(_ type: Value.Type, from path: String) throws(StoreError) -> Value? {
        guard let bytes = try AtomicFile.read(path) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw StoreError(code: .corrupted, message: "\(path) is corrupted and cannot be read (\(error)); move it aside to rebuild it")
        }
    }

    private func write<Value: Encodable>(_ value: Value, to path: String) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw StoreError(code: .io, message: "cannot encode \(path): \(error)")
        }
        try AtomicFile.write(Array(data) + [0x0A], to: path)
    }
}
