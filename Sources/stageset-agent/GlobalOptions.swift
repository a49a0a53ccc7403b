import ArgumentParser
import Systemd
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Options every command accepts; each falls back to an environment variable, then a default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file or directory (env STAGESET_AGENT_CONFIG; default /etc/stageset-agent/stagesets).")
    var config: String?

    @Option(name: .long, help: "State directory (env STAGESET_AGENT_STATE_DIR; default /var/lib/stageset-agent).")
    var stateDir: String?

    @Option(name: .long, help: "Directory of host Secrets (env STAGESET_AGENT_SECRETS_DIR; default /etc/stageset-agent/secrets).")
    var secretsDir: String?

    @Option(name: .long, help: "Runtime directory holding the control socket (env RUNTIME_DIRECTORY; default /run/stageset-agent).")
    var runtimeDir: String?

    @Option(name: .long, help: "Distinct revisions kept per stage in the rollback store (default 10).")
    var rollbackRetention: Int = 10

    @Option(name: .long, help: "Log format: automatic (the journal under systemd, else text), journal, text or json.")
    var logFormat: LogFormat = .automatic

    @Option(name: .long, help: "Lowest log level written: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelOption = .info

    private static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    var configPath: String { config ?? Self.environment("STAGESET_AGENT_CONFIG") ?? "/etc/stageset-agent/stagesets" }
    var stateDirectory: String { stateDir ?? Self.environment("STAGESET_AGENT_STATE_DIR") ?? "/var/lib/stageset-agent" }
    var secretsDirectory: String { secretsDir ?? Self.environment("STAGESET_AGENT_SECRETS_DIR") ?? "/etc/stageset-agent/secrets" }
    var runtimeDirectory: String {
        runtimeDir ?? Self.environment("RUNTIME_DIRECTORY").map { String($0.split(separator: ":").first ?? Substring($0)) } ?? "/run/stageset-agent"
    }
    var controlSocketPath: String { runtimeDirectory + "/control.sock" }
}
