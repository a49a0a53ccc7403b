#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AgeCrypto
import CryptoPrimitives

/// The encrypted local rollback store of one StageSet, under `<state>/<ns>/<name>/rollback/`:
/// one standard age file per entry, encrypted to the store's own X25519 recipient, plus an
/// `index.json` of entry summaries. Writes are atomic and durable; retention keeps the last N
/// distinct revisions per stage.
public struct RollbackStore: Sendable {
    public static let maximumEntryBytes = 64 << 20
    public static let defaultRetention = 10

    public let directory: String
    private let identity: AgeX25519Identity

    public init(stateSetDirectory: String, identity: AgeX25519Identity) {
        directory = stateSetDirectory + "/rollback"
        self.identity = identity
    }

    var indexPath: String { directory + "/index.json" }

    /// The entry id for a stage at a revision with given inputs: stable, so the same revision is stored once.
    public static func entryID(stage: String, revision: String, buildInputs: BuildInputs) -> String {
        let digest = (try? Hash.compute(.sha256, Array("\(revision)\n\(buildInputs.path)\n\(buildInputs.patches.joined(separator: "\n"))".utf8))) ?? []
        let hex = digest.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return "\(stage)-\(hex)"
    }

    public func list() throws(StoreError) -> [RollbackEntrySummary] {
        guard let bytes = try AtomicFile.read(indexPath) else { return [] }
        do {
            return try JSONDecoder().decode([RollbackEntrySummary].self, from: Data(bytes))
        } catch {
            throw StoreError(code: .corrupted, message: "\(indexPath) is corrupted (\(error)); move it aside to rebuild the index")
        }
    }

    /// Stores an entry (once per stage, revision and build inputs); returns its summary.
    @discardableResult
    public func put(_ entry: RollbackEntry) throws(StoreError) -> RollbackEntrySummary {
        let id = Self.entryID(stage: entry.stage, revision: entry.revision, buildInputs: entry.buildInputs)
        var index = try list()
        if let existing = index.first(where: { $0.id == id }), FileManager.default.fileExists(atPath: path(of: id)) {
            return existing
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plaintext: [UInt8]
        do {
            plaintext = Array(try encoder.encode(entry))
        } catch {
            throw StoreError(code: .io, message: "cannot encode the rollback entry: \(error)")
        }
        guard plaintext.count <= Self.maximumEntryBytes else {
            throw StoreError(code: .tooLarge, message: "the rollback entry for stage \(entry.stage) at \(entry.revision) is \(plaintext.count) bytes, over the \(Self.maximumEntryBytes)-byte cap")
        }
        let encrypted: [UInt8]
        do {
            encrypted = try AgeFile.encrypt(plaintext, to: [identity.recipient], armored: false)
        } catch {
            throw StoreError(code: .io, message: "cannot encrypt the rollback entry: \(error.message)")
        }
        try AtomicFile.createDirectory(directory)
        // The entry is durable before the index names it: a crash leaves the old index valid.
        try AtomicFile.write(encrypted, to: path(of: id))
        let summary = RollbackEntrySummary(id: id, stage: entry.stage, revision: entry.revision, createdAt: entry.createdAt, bytes: encrypted.count)
        index.removeAll { $0.id == id }
        index.append(summary)
        try writeIndex(index)
        return summary
    }

    /// Reads and authenticates an entry; a missing, corrupted or foreign entry is an error.
    public func get(_ id: String) throws(StoreError) -> RollbackEntry {
        guard let encrypted = try AtomicFile.read(path(of: id), limit: Self.maximumEntryBytes + (1 << 20)) else {
            throw StoreError(code: .notFound, message: "rollback entry \(id) is not in the store")
        }
        let plaintext: SecureBytes
        do {
            plaintext = try AgeFile.decrypt(encrypted, identities: [.x25519(identity)], format: .binary)
        } catch {
            throw StoreError(code: .corrupted, message: "rollback entry \(id) cannot be decrypted or is corrupted (\(error.code))")
        }
        do {
            let entry = try plaintext.withUnsafeBytes { try JSONDecoder().decode(RollbackEntry.self, from: Data($0)) }
            guard entry.format == RollbackEntry.currentFormat else {
                throw StoreError(code: .corrupted, message: "rollback entry \(id) has the unknown format \(entry.format)")
            }
            return entry
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .corrupted, message: "rollback entry \(id) does not hold a rollback entry")
        }
    }

    /// Keeps the newest `keep` entries per stage (plus the ones in `protected`); removes the rest
    /// and any entry file the index does not name.
    public func applyRetention(keep: Int, protected: Set<String> = []) throws(StoreError) {
        var index = try list()
        var kept: [RollbackEntrySummary] = []
        for stage in Set(index.map(\.stage)) {
            let newestFirst = index.filter { $0.stage == stage }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            kept += newestFirst.enumerated().filter { $0.offset < keep || protected.contains($0.element.id) }.map(\.element)
        }
        let keptIDs = Set(kept.map(\.id))
        let removed = index.filter { !keptIDs.contains($0.id) }
        index = index.filter { keptIDs.contains($0.id) }
        try writeIndex(index)
        for entry in removed { try AtomicFile.remove(path(of: entry.id)) }
        if let files = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for file in files where file.hasSuffix(".age") && !keptIDs.contains(String(file.dropLast(4))) {
                try AtomicFile.remove(directory + "/" + file)
            }
            // Temporary files of writes that a crash interrupted.
            for file in files where file.contains(".tmp-") {
                try AtomicFile.remove(directory + "/" + file)
            }
        }
    }

    func path(of id: String) -> String { directory + "/" + id + ".age" }

    private func writeIndex(_ index: [RollbackEntrySummary]) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try AtomicFile.write(Array(try encoder.encode(index.sorted { ($0.stage, $0.createdAt, $0.id) < ($1.stage, $1.createdAt, $1.id) })) + [0x0A],
                to: indexPath)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .io, message: "cannot encode the rollback index: \(error)")
        }
    }
}
