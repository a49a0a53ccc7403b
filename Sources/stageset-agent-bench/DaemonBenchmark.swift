import ArgumentParser
import Foundation
import TestSupport

/// The service at rest: `stageset-agent run` with several StageSets against the API emulator,
/// under a stand-in notify socket. Measures the time to `READY=1`, idle memory, idle CPU per hour
/// at a one-minute source interval, and the .deb size; peers from the same run: a bare process
/// start of the same binary, the `git ls-remote` children the agent waits for, and a kubectl
/// client process.
struct DaemonBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon", abstract: "The service at rest: time to READY=1, idle memory and CPU, the .deb size.")

    @Option(help: "StageSets (each with its own Git source polled every minute).") var stageSets = 3
    @Option(help: "Seconds of idle time measured after every StageSet is Ready.") var idle = 180
    @Option(help: "The Debian package whose size to report (default: the newest out/*.deb).") var deb: String?

    func run() async throws {
        let scratch = try ScratchDirectory("bench-daemon")
        let emulatorBinary = try PackagePaths.builtProduct("kube-emulator")
        let agentBinary = try PackagePaths.builtProduct("stageset-agent")
        let port = try Network.freePort()
        let emulator = try BackgroundServer(emulatorBinary, ["--state-dir", scratch.file("emulator"), "--port", String(port),
            "--kubeconfig-out", scratch.file("kubeconfig")], port: port)
        defer { emulator.stop() }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: scratch.file("kubeconfig")) { usleep(50_000) }

        // One repository, a directory of ten objects per StageSet.
        let git = try GitFixture()
        var files: [String: String] = [:]
        var configuration = ""
        for index in 0..<stageSets {
            files["sets/s\(index)/namespace.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench-\(index)\n"
            for object in 0..<9 {
                files["sets/s\(index)/cm-\(object).yaml"] = """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: cm-\(object), namespace: bench-\(index)}
                    data: {value: "\(object)"}

                    """
            }
            configuration += """
                apiVersion: stages.metio.wtf/v1
                kind: StageSet
                metadata: {name: s\(index), namespace: bench-\(index)}
                spec:
                  stages:
                    - name: app
                      sourceRef: {kind: GitRepository, name: config}
                      path: ./sets/s\(index)
                ---
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: GitRepository
                metadata: {name: config, namespace: bench-\(index)}
                spec:
                  url: \(git.fileURL)
                  interval: 1m
                  ref: {branch: main}
                ---

                """
        }
        try git.commit(files)
        try scratch.write("config/bench.yaml", configuration)

        // The peer for start-up: the same binary doing nothing but start and exit.
        var starts: [Double] = []
        for _ in 0..<5 {
            let clock = ContinuousClock.now
            _ = try Shell.check(agentBinary, ["version"])
            starts.append(seconds(ContinuousClock.now - clock))
        }
        let processStart = starts.sorted()[starts.count / 2]

        let receiver = try DatagramReceiver(directory: scratch.file(""))
        let started = ContinuousClock.now
        let agent = try BackgroundProcess(agentBinary, [
            "run", "--config", scratch.file("config"), "--state-dir", scratch.file("state"), "--secrets-dir", scratch.file("secrets"),
            "--runtime-dir", scratch.file("run"), "--kubeconfig", scratch.file("kubeconfig"), "--log-format", "text", "--log-level", "warning",
        ], environment: ["NOTIFY_SOCKET": receiver.address])
        var received: [String] = []
        func next(until condition: (String) -> Bool) throws {
            for _ in 0..<200 {
                guard let text = try? receiver.receive().text else { break }
                received.append(text)
                if condition(text) { return }
            }
            throw ValidationError("the agent never reported what the benchmark waits for; it sent: \(received)")
        }
        try next { $0.split(separator: "\n").contains("READY=1") }
        let ready = seconds(ContinuousClock.now - started)
        try next { $0.hasPrefix("STATUS=") && $0.components(separatedBy: ": Ready ").count == stageSets + 1 }
        let converged = seconds(ContinuousClock.now - started)

        let before = try ProcessTimes(pid: agent.pid)
        let idleStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(idle))
        let after = try ProcessTimes(pid: agent.pid)
        let window = seconds(ContinuousClock.now - idleStart)
        let memory = try ProcessTimes.memory(pid: agent.pid)
        _ = try agent.terminateAndWait(within: .seconds(30))

        let ownCPUPerHour = (after.own - before.own) * 3600 / window
        let childCPUPerHour = (after.children - before.children) * 3600 / window
        let kubectlPeak = try peakResidentKilobytes(of: ["kubectl", "version", "--client"])
        let package = deb ?? newestPackage()
        let packageSize = package.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }

        print("stageset-agent run: \(stageSets) StageSets, 10 objects and one Git source each (interval 1m), Kubernetes API emulator, \(idle) s idle")
        printTable([
            ["", "stageset-agent", "peer", "ratio", "peer is"],
            ["start to READY=1 (s)", format(ready), format(processStart), format(ready / processStart) + "x", "`stageset-agent version` start to exit"],
            ["start to all Ready (s)", format(converged), "", "", ""],
            ["idle CPU (s/hour)", format(ownCPUPerHour), format(childCPUPerHour), format(ownCPUPerHour / max(childCPUPerHour, 0.001)) + "x",
             "its git ls-remote children, same window"],
            ["idle resident memory (MiB)", format(Double(memory.resident) / 1024), format(Double(kubectlPeak) / 1024),
             format(Double(memory.resident) / Double(max(kubectlPeak, 1))) + "x", "peak of `kubectl version --client`"],
            ["peak resident memory (MiB)", format(Double(memory.peak) / 1024), "", "", ""],
            [".deb size (MiB)", packageSize.map { format(Double($0) / 1_048_576) } ?? "not built (make deb)", "", "", package ?? ""],
        ])
    }

    private func newestPackage() -> String? {
        let directory = PackagePaths.root + "/out"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".deb") }.map { directory + "/" + $0 }
            .max { (modified($0) ?? .distantPast) < (modified($1) ?? .distantPast) }
    }

    private func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Peak resident set of a command, as the kernel accounts it for a waited-for child.
    private func peakResidentKilobytes(of command: [String]) throws -> Int {
        let script = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
            + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        let output = try Shell.check("python3", ["-c", script] + command)
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
