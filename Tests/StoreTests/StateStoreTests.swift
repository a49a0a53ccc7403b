import Foundation
import Testing
import TestSupport
@testable import Store

@Suite struct AtomicFileTests {
    @Test func replacesFilesWholeAndLeavesNoTemporaryFiles() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("deep/dir/state.json")
        try AtomicFile.write(Array("first".utf8), to: path)
        try AtomicFile.write(Array("second".utf8), to: path)
        #expect(try AtomicFile.read(path) == Array("second".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("deep/dir")) == ["state.json"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try AtomicFile.read(scratch.file("missing")) == nil)
    }

    @Test func refusesOversizedReads() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("big", String(repeating: "x", count: 2_000))
        #expect(throws: StoreError.self) { _ = try AtomicFile.read(path, limit: 1_000) }
    }

    @Test func reportsAFullDiskOrAnUnwritableDirectoryAsAStoreError() throws {
        #expect {
            try AtomicFile.write([1, 2, 3], to: "/proc/self/no-such/place/file")
        } throws: { error in (error as? StoreError)?.code == .io }
    }
}

@Suite struct StageSetStateStoreTests {
    @Test func roundTripsStatusAndInventory() throws {
        let scratch = try ScratchDirectory()
        let store = StageSetStateStore(stateDirectory: scratch.directory, namespace: "payments", name: "edge")
        var status = StageSetStatus(stageSet: "payments/edge")
        status.setReady(.trueStatus, reason: .succeeded, message: "Applied", now: "2026-01-01T00:00:00Z")
        status.setStage(StageStatus(name: "app", phase: .ready, revision: "main@sha1:abc"), order: ["infra", "app"])
        status.setStage(StageStatus(name: "infra", phase: .ready), order: ["infra", "app"])
        try store.writeStatus(status)
        #expect(try store.readStatus() == status)
        #expect(try store.readStatus()?.stages.map(\.name) == ["infra", "app"])
        #expect(store.statusPath == scratch.directory + "/payments/edge/status.json")

        let inventory = Inventory(stages: [StageInventory(name: "app", position: 1, entries: [
            InventoryEntry(namespace: "demo", name: "web", group: "apps", kind: "Deployment", apiVersion: "apps/v1"),
            InventoryEntry(namespace: nil, name: "demo", group: "", kind: "Namespace", apiVersion: "v1"),
        ])])
        try store.writeInventory(inventory)
        #expect(try store.readInventory() == inventory)
        #expect(inventory.stages[0].entries.map(\.id) == ["demo_web_apps_Deployment", "_demo__Namespace"])
    }

    @Test func keepsTheTransitionTimeWhileTheConditionHolds() {
        var status = StageSetStatus(stageSet: "a/b")
        status.setReady(.falseStatus, reason: .stageFailed, message: "one", now: "T1")
        status.setReady(.falseStatus, reason: .stageFailed, message: "two", now: "T2")
        #expect(status.ready?.lastTransitionTime == "T1")
        #expect(status.ready?.message == "two")
        status.setReady(.trueStatus, reason: .succeeded, message: "ok", now: "T3")
        #expect(status.ready?.lastTransitionTime == "T3")
        #expect(status.conditions.count == 1)
    }

    @Test func aCorruptedStateFileIsReportedNotTrusted() throws {
        let scratch = try ScratchDirectory()
        let store = StageSetStateStore(stateDirectory: scratch.directory, namespace: "a", name: "b")
        try scratch.write("a/b/inventory.json", "{\"stages\": [ {\"name\": ")
        #expect {
            _ = try store.readInventory()
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .corrupted && error.message.contains("inventory.json")
        }
    }

    @Test func parsesObjectIdentities() {
        #expect(ObjectIdentity(id: "demo_web_apps_Deployment") == ObjectIdentity(namespace: "demo", name: "web", group: "apps", kind: "Deployment"))
        #expect(ObjectIdentity(id: "_demo__Namespace")?.description == "Namespace/demo")
        #expect(ObjectIdentity(id: "bad") == nil)
        #expect(ObjectIdentity(id: "a_b_c") == nil)
    }
}
