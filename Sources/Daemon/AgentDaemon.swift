import Logging
import Rollout
import StageSpec
import Store
import UnixSignals

/// Where the daemon keeps its files and how it paces itself.
public struct DaemonSettings: Sendable {
    public var stateDirectory: String
    /// Holds the control socket (`control.sock`).
    public var runtimeDirectory: String
    public var schedule: PassSchedule
    /// How often the supervisor checks the workers (and pings the watchdog when due).
    public var supervisionInterval: Duration

    public init(stateDirectory: String, runtimeDirectory: String, schedule: PassSchedule = PassSchedule(), supervisionInterval: Duration = .seconds(1)) {
        self.stateDirectory = stateDirectory
        self.runtimeDirectory = runtimeDirectory
        self.schedule = schedule
        self.supervisionInterval = supervisionInterval
    }

    public var controlSocketPath: String {
        (runtimeDirectory.hasSuffix("/") ? runtimeDirectory : runtimeDirectory + "/") + "control.sock"
    }
}

/// What the control socket reports about one StageSet.
public struct StageSetSnapshot: Sendable {
    public var stageSet: String
    public var passInProgress: Bool
    public var secondsUntilNextPass: Int
    public var lastOutcome: PassOutcome?
}

/// The long-running agent: one worker per StageSet, configuration reload on SIGHUP, the control
/// socket, and the service manager's notifications (READY, STATUS, RELOADING, STOPPING, WATCHDOG).
public actor AgentDaemon {
    public let settings: DaemonSettings
    private let notifier: any ServiceNotifier
    private var logger: Logger
    private let loadConfiguration: @Sendable () throws -> Configuration
    private let makeReconciler: @Sendable (StageSet, Configuration) -> Reconciler

    private var configuration = Configuration(stageSets: [])
    private var workers: [ObjectKey: (worker: StageSetWorker, task: Task<Void, Never>)] = [:]
    private var outcomes: [ObjectKey: PassOutcome] = [:]
    private var statusLine = ""
    private var reloadProblem: String?
    private var lastWatchdog = ContinuousClock.now

    public init(
        settings: DaemonSettings, notifier: any ServiceNotifier, logger: Logger, loadConfiguration: @escaping @Sendable () throws -> Configuration,
        makeReconciler: @escaping @Sendable (StageSet, Configuration) -> Reconciler
    ) {
        self.settings = settings
        self.notifier = notifier
        self.logger = logger
        self.loadConfiguration = loadConfiguration
        self.makeReconciler = makeReconciler
    }

    /// Runs until the task is cancelled (graceful shutdown), then stops every worker; a pass in
    /// progress is interrupted between writes, and every state write is atomic.
    public func run() async throws {
        let lock = try StateDirectoryLock(stateDirectory: settings.stateDirectory)
        do {
            configuration = try loadConfiguration()
        } catch {
            throw DaemonError(code: .configuration, message: "the configuration cannot be loaded:\n\(error)")
        }
        let server = try ControlSocketServer(path: settings.controlSocketPath, daemon: self, logger: logger)
        for stageSet in configuration.stageSets { startWorker(stageSet) }
        notifier.ready()
        logger.info("agent started with \(configuration.stageSets.count) StageSet(s)", metadata: ["event": "agent-started"])
        publishStatus()

        let signals = Task { [weak self] in
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                await self?.reload()
            }
        }
        await supervise()

        notifier.stopping()
        logger.info("stopping", metadata: ["event": "agent-stopping"])
        signals.cancel()
        server.stop()
        for (_, entry) in workers { entry.task.cancel() }
        for (_, entry) in workers { await entry.task.value }
        workers.removeAll()
        withExtendedLifetime(lock) {}
    }

    /// Checks the workers every `supervisionInterval`; pings the watchdog only while every worker
    /// makes progress, so a wedged pass or loop lets systemd restart the agent.
    private func supervise() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.supervisionInterval)
            guard let interval = notifier.watchdogInterval else { continue }
            let now = ContinuousClock.now
            guard now - lastWatchdog >= interval / 2 else { continue }
            var healthy = true
            for (key, entry) in workers where await !entry.worker.isMakingProgress(now: now) {
                healthy = false
                logger.error("a pass is taking longer than its stages could; not confirming the watchdog", metadata: ["STAGESET": "\(key)"])
            }
            if healthy {
                notifier.watchdog()
                lastWatchdog = now
            }
        }
    }

    private func startWorker(_ stageSet: StageSet) {
        let worker = StageSetWorker(
            stageSet: stageSet, configuration: configuration, schedule: settings.schedule, logger: logger, makeReconciler: makeReconciler,
            onOutcome: { [weak self] key, outcome in await self?.record(key, outcome) })
        workers[stageSet.key] = (worker, Task { await worker.run() })
    }

    private func record(_ key: ObjectKey, _ outcome: PassOutcome) {
        outcomes[key] = outcome
        publishStatus()
    }

    /// `payments/payments: Ready main@sha1:3f2a9c1; edge/edge: StageProgressing app`
    private func publishStatus() {
        var parts: [String] = []
        for stageSet in configuration.stageSets {
            guard let outcome = outcomes[stageSet.key] else {
                parts.append("\(stageSet.key): pending")
                continue
            }
            if outcome.isReady {
                let revisions = Set(outcome.revisions.values).sorted().map(Self.shortRevision).joined(separator: ",")
                parts.append("\(stageSet.key): Ready \(revisions)")
            } else {
                let stage = outcome.stages.last { $0.phase != .ready }?.name ?? ""
                parts.append("\(stageSet.key): \(outcome.reason.rawValue)\(stage.isEmpty ? "" : " " + stage)")
            }
        }
        var line = parts.isEmpty ? "no StageSets configured" : parts.joined(separator: "; ")
        if let reloadProblem { line = reloadProblem + "; " + line }
        if line != statusLine {
            statusLine = line
            notifier.status(line)
        }
    }

    /// `main@sha1:3f2a9c1d…` → `main@sha1:3f2a9c1`.
    static func shortRevision(_ revision: String) -> String {
        guard let colon = revision.lastIndex(of: ":") else { return revision }
        let hash = revision[revision.index(after: colon)...]
        return String(revision[...colon]) + String(hash.prefix(7))
    }

    /// Re-reads the configuration (SIGHUP). An invalid one is not applied: the old one keeps
    /// running, the problems are logged and the status line says so.
    public func reload() async {
        notifier.reloading()
        defer { notifier.ready() }
        let updated: Configuration
        do {
            updated = try loadConfiguration()
        } catch {
            let count = (error as? ConfigurationError)?.issues.count ?? 1
            for line in "\(error)".split(separator: "\n") {
                logger.error("configuration reload refused: \(line)", metadata: ["event": "config-reload-failed"])
            }
            reloadProblem = "reload failed (\(count) problem(s)), running the previous configuration"
            publishStatus()
            return
        }
        reloadProblem = nil
        let old = configuration
        configuration = updated
        let newKeys = Set(updated.stageSets.map(\.key))
        for (key, entry) in workers where !newKeys.contains(key) {
            entry.task.cancel()
            workers[key] = nil
            outcomes[key] = nil
            logger.notice("StageSet removed from the configuration; its objects are left in place", metadata: ["STAGESET": "\(key)"])
        }
        for stageSet in updated.stageSets {
            guard let entry = workers[stageSet.key] else {
                startWorker(stageSet)
                continue
            }
            let before = old.stageSets.first { $0.key == stageSet.key }
            let sourcesChanged = stageSet.spec.stages.contains { old.source(of: $0) != updated.source(of: $0) }
            if before != stageSet || sourcesChanged {
                await entry.worker.update(stageSet: stageSet, configuration: updated)
            }
        }
        logger.info("configuration reloaded: \(updated.stageSets.count) StageSet(s)", metadata: ["event": "config-reloaded"])
        publishStatus()
    }

    /// Runs a pass now for the named StageSets (all when `nil`); with `wait`, returns the outcomes.
    public func reconcile(stageSet name: String?, stage: String?, force: Bool = false, wait: Bool) async throws(DaemonError) -> [(String, PassOutcome?)] {
        let selected = configuration.stageSets(named: name)
        guard !selected.isEmpty else {
            throw DaemonError(code: .configuration, message: "no StageSet named \"\(name ?? "")\" in the running configuration")
        }
        if let stage, let missing = selected.first(where: { !$0.spec.stages.contains { $0.name == stage } }) {
            throw DaemonError(code: .configuration, message: "StageSet \(missing.key) has no stage named \"\(stage)\"")
        }
        var results: [(String, PassOutcome?)] = []
        await withTaskGroup(of: (String, PassOutcome?).self) { group in
            for stageSet in selected {
                guard let worker = workers[stageSet.key]?.worker else { continue }
                group.addTask { ("\(stageSet.key)", await worker.requestPass(stage: stage, force: force, wait: wait)) }
            }
            for await result in group { results.append(result) }
        }
        return results.sorted { $0.0 < $1.0 }
    }

    /// Rolls the named StageSet back by hand (between passes).
    public func rollBack(stageSet name: String?, to revision: String?) async throws(DaemonError) -> [(String, PassOutcome)] {
        let selected = configuration.stageSets(named: name)
        guard !selected.isEmpty else {
            throw DaemonError(code: .configuration, message: "no StageSet named \"\(name ?? "")\" in the running configuration")
        }
        var results: [(String, PassOutcome)] = []
        for stageSet in selected {
            guard let worker = workers[stageSet.key]?.worker else { continue }
            results.append(("\(stageSet.key)", await worker.requestRollback(to: revision)))
        }
        return results
    }

    /// The live view for `stageset-agent status`.
    public func snapshot() async -> [StageSetSnapshot] {
        var result: [StageSetSnapshot] = []
        let now = ContinuousClock.now
        for stageSet in configuration.stageSets {
            guard let worker = workers[stageSet.key]?.worker else { continue }
            let next = await worker.nextPass
            let seconds = next > now ? Int((next - now).components.seconds) : 0
            result.append(StageSetSnapshot(stageSet: "\(stageSet.key)", passInProgress: await worker.passStarted != nil,
                secondsUntilNextPass: seconds, lastOutcome: outcomes[stageSet.key]))
        }
        return result
    }

    public var currentStatusLine: String { statusLine }
}
