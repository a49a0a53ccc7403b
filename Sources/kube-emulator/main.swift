import Foundation
import KubeEmulator
#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: kube-emulator --state-dir DIR [--port N] [--host 127.0.0.1] [--kubeconfig-out PATH]
                     [--token-kubeconfig-out PATH] [--token TOKEN=USER]... [--server-name NAME]
                     [--cluster-name NAME] [--context-name NAME] [--user-name NAME] [--namespace NS]
                     [--default-readiness ready|progressing|failed|ready-after=3s] [--crd-establish-delay SECONDS]

Serves an emulated Kubernetes API over HTTPS until SIGTERM or SIGINT. Prints the server URL on the
first line of stdout, then the kubeconfig paths. Admin API: <url>/emulator/v1/... (see README).
"""

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kube-emulator: \(message)\n\n\(usage)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var configuration: KubeEmulator.Configuration?
var stateDirectory: String?
var options: [(String, String)] = []
var tokens: [String: String] = [:]
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    if flag == "--help" || flag == "-h" {
        print(usage)
        exit(0)
    }
    guard flag.hasPrefix("--") else { fail("unexpected argument \(flag)") }
    var name = flag
    var value: String
    if let equals = flag.firstIndex(of: "=") {
        name = String(flag[..<equals])
        value = String(flag[flag.index(after: equals)...])
    } else {
        guard !arguments.isEmpty else { fail("\(flag) needs a value") }
        value = arguments.removeFirst()
    }
    if name == "--state-dir" {
        stateDirectory = value
    } else if name == "--token" {
        let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { fail("--token expects TOKEN=USER") }
        tokens[parts[0]] = parts[1]
    } else {
        options.append((name, value))
    }
}
guard let stateDirectory else { fail("--state-dir is required") }
var config = KubeEmulator.Configuration(stateDirectory: stateDirectory)
if !tokens.isEmpty { config.tokens = tokens }
for (name, value) in options {
    switch name {
    case "--port":
        guard let port = UInt16(value) else { fail("invalid port \(value)") }
        config.port = port
    case "--host": config.host = value
    case "--kubeconfig-out": config.kubeconfigPath = value
    case "--token-kubeconfig-out": config.tokenKubeconfigPath = value
    case "--server-name": config.extraServerName = value
    case "--cluster-name": config.clusterName = value
    case "--context-name": config.contextName = value
    case "--user-name": config.userName = value
    case "--namespace": config.contextNamespace = value
    case "--default-readiness":
        guard let readiness = Readiness(parsing: value) else { fail("invalid readiness \(value)") }
        config.defaultReadiness = readiness
    case "--crd-establish-delay":
        guard let seconds = Double(value) else { fail("invalid delay \(value)") }
        config.crdEstablishDelaySeconds = seconds
    default:
        fail("unknown option \(name)")
    }
}

// Block the stop signals before any thread starts so that only sigwait sees them.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let emulator: KubeEmulator
do {
    emulator = try KubeEmulator.start(config)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
FileHandle.standardOutput.write(Data("""
\(emulator.serverURL)
kubeconfig: \(emulator.kubeconfigPath)
token-kubeconfig: \(emulator.tokenKubeconfigPath)

""".utf8))
var received: Int32 = 0
sigwait(&signals, &received)
emulator.stop()
FileHandle.standardError.write(Data("kube-emulator: stopped on signal \(received)\n".utf8))
exit(0)
