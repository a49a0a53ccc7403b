import Daemon
import Foundation
import JSON
import Rollout
import StageSpec
import Testing
import TestSupport

@Suite struct AgentDaemonTests {
    @Test func notifiesReadyStatusReloadingAndStoppingInOrder() async throws {
        let fixture = try DaemonFixture()
        try fixture.writeConfig()
        fixture.start()
        try await fixture.eventually("the first pass is Ready") { fixture.status()?.ready?.reason == "Succeeded" }
        try await fixture.eventually("the status line says Ready") { fixture.notifier.recorded.contains { $0.hasPrefix("STATUS=demo/edge: Ready main@sha1:") } }
        await fixture.daemon.reload()
        try await fixture.stop()
        let events = fixture.notifier.recorded.filter { !$0.hasPrefix("WATCHDOG") }
        #expect(events.first == "READY")
        #expect(events.contains("STATUS=demo/edge: pending"))
        let reloading = try #require(events.firstIndex(of: "RELOADING"))
        #expect(events.dropFirst(reloading + 1).first(where: { !$0.hasPrefix("STATUS=") }) == "READY", "READY follows RELOADING")
        #expect(events.last == "STOPPING")
    }

    @Test func aBrokenConfigurationOnReloadKeepsTheOldOneRunning() async throws {
        let fixture = try DaemonFixture()
        try fixture.writeConfig()
        fixture.start()
        try await fixture.eventually("the first pass is Ready") { fixture.status()?.ready?.reason == "Succeeded" }
        try fixture.scratch.write("config/edge.yaml", "apiVersion: stages.metio.wtf/v1\nkind: StageSet\nmetadata: {name: edge}\nspec:\n  stagez: []\n")
        await fixture.daemon.reload()
        #expect(await fixture.daemon.currentStatusLine.hasPrefix("reload failed (2 problem(s)), running the previous configuration"))
        // The previous configuration still serves requests.
        let results = try await fixture.daemon.reconcile(stageSet: "edge", stage: nil, wait: true)
        #expect(results.first?.1?.isReady == true)
        // Fixing it clears the note.
        try fixture.writeConfig()
        await fixture.daemon.reload()
        #expect(await !fixture.daemon.currentStatusLine.contains("reload failed"))
        try await fixture.stop()
    }

    @Test func aNewCommitStartsAPassAndAnUnchangedRemoteCostsOneLsRemote() async throws {
        let fixture = try DaemonFixture(gitWrapper: true)
        try fixture.writeConfig(interval: "1h", sourceInterval: "1s")
        fixture.start()
        try await fixture.eventually("the first pass is Ready") { fixture.status()?.ready?.reason == "Succeeded" }
        // Idle polls of an unchanged remote: ls-remote only, never a fetch.
        let before = fixture.gitLog.count
        try await fixture.eventually("two idle polls", within: 20) { fixture.gitLog[before...].filter { $0 == "ls-remote" }.count >= 2 }
        #expect(!fixture.gitLog[before...].contains("fetch"))
        // A new commit is picked up by the poll, long before the 1h interval.
        try fixture.git.commit(["stages/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  value: two\n"])
        try await fixture.eventually("the new commit is applied") { fixture.live("settings")?.contains("\"two\"") == true }
        try await fixture.stop()
    }

    @Test func theControlSocketRunsAPassAndReportsTheLiveView() async throws {
        let fixture = try DaemonFixture()
        try fixture.writeConfig()
        fixture.start()
        try await fixture.eventually("the control socket listens") { FileManager.default.fileExists(atPath: fixture.controlSocket) }
        let response = try ControlClient.send(ControlMessages.reconcileRequest(stageSet: "demo/edge", stage: nil, wait: true), to: fixture.controlSocket)
        #expect(response["ok"] == true)
        #expect(response["results"]?.arrayValue?.first?["outcome"]?["reason"] == "Succeeded")
        let status = try ControlClient.send(ControlMessages.statusRequest, to: fixture.controlSocket)
        #expect(status["stageSets"]?.arrayValue?.first?["stageSet"] == "demo/edge")
        let unknown = try ControlClient.send(ControlMessages.reconcileRequest(stageSet: "nope", stage: nil, wait: false), to: fixture.controlSocket)
        #expect(unknown["ok"] == false)
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.controlSocket)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try await fixture.stop()
        #expect(throws: DaemonError.self) { try ControlClient.send(ControlMessages.statusRequest, to: fixture.controlSocket) }
    }

    @Test func oneAgentPerStateDirectory() async throws {
        let fixture = try DaemonFixture()
        try fixture.writeConfig()
        let lock = try StateDirectoryLock(stateDirectory: fixture.scratch.file("state"))
        fixture.start()
        await #expect {
            try await fixture.task?.value
        } throws: { error in (error as? DaemonError)?.code == .alreadyRunning }
        withExtendedLifetime(lock) {}
    }

    @Test func theWatchdogIsConfirmedOnlyWhileWorkersProgress() async throws {
        let fixture = try DaemonFixture(watchdogInterval: .milliseconds(200))
        try fixture.writeConfig()
        fixture.start()
        try await fixture.eventually("the watchdog is confirmed") { fixture.notifier.recorded.filter { $0 == "WATCHDOG" }.count >= 2 }
        try await fixture.stop()
    }

    @Test func failedPassesBackOff() async throws {
        let fixture = try DaemonFixture()
        try fixture.writeConfig()
        fixture.emulator.addDenyRule(.init(verb: "patch", group: "", resource: "configmaps"))
        fixture.start()
        try await fixture.eventually("the pass fails") { fixture.status()?.ready?.reason == "RBACDenied" }
        fixture.emulator.clearDenyRules()
        // The backoff (200ms, doubling, at most 2s in this test) retries without a request.
        try await fixture.eventually("a retry succeeds") { fixture.status()?.ready?.reason == "Succeeded" }
        try await fixture.stop()
    }
}

@Suite struct PassScheduleTests {
    let spec = StageSetSpec(interval: .seconds(600), retryInterval: .seconds(60), stages: [])

    @Test func succeedsOnTheIntervalWithJitter() {
        let schedule = PassSchedule()
        #expect(schedule.delay(after: .steady, spec: spec, failures: 0, random: 0) == .seconds(600))
        #expect(schedule.delay(after: .steady, spec: spec, failures: 0, random: 1) == .seconds(630))
        #expect(schedule.delay(after: .steady, spec: spec, failures: 0, random: -1) == .seconds(570))
        #expect(schedule.delay(after: .untilChange, spec: spec, failures: 3, random: 0) == .seconds(600))
    }

    @Test func waitsUseTheRetryInterval() {
        #expect(PassSchedule().delay(after: .wait, spec: spec, failures: 0, random: 0) == .seconds(60))
    }

    @Test func failuresBackOffExponentiallyWithACap() {
        let schedule = PassSchedule(minimumBackoff: .seconds(5), maximumBackoff: .seconds(300))
        let delays = (1...9).map { schedule.delay(after: .backoff, spec: spec, failures: $0, random: 0) }
        #expect(delays == [5, 10, 20, 40, 80, 160, 300, 300, 300].map { Duration.seconds($0) })
    }
}
