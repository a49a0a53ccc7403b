import ArgumentParser
import Daemon
import StageSpec

/// Loads the configuration or reports every issue on standard error and exits 1.
func loadConfiguration(_ path: String) throws -> Configuration {
    do {
        return try ConfigurationLoader.load(path: path)
    } catch {
        for issue in error.issues {
            writeStandardError(issue.description + "\n")
        }
        writeStandardError("\(error.issues.count) problem(s) found in \(path)\n")
        throw ExitCode.problemsFound
    }
}

extension GlobalOptions {
    /// The StageSets a command works on: all of them, or the one `--stageset` names. With
    /// `requireAny`, finding none is an error (there is nothing to act on).
    func selectStageSets(_ name: String?, requireAny: Bool) throws -> (configuration: Configuration, stageSets: [StageSet]) {
        let configuration = try loadConfiguration(configPath)
        let stageSets = configuration.stageSets(named: name)
        if stageSets.isEmpty, requireAny || name != nil {
            throw ValidationError("no StageSet named \"\(name ?? "")\" in \(configPath)")
        }
        return (configuration, stageSets)
    }

    /// Takes the state directory lock for a command that changes the cluster or the state; when
    /// another agent holds it, prints why (and `hint`) and exits 1.
    func lockStateDirectory(hint: String? = nil) throws -> StateDirectoryLock {
        do {
            return try StateDirectoryLock(stateDirectory: stateDirectory)
        } catch {
            writeStandardError(error.message + (hint.map { "; " + $0 } ?? "") + "\n")
            throw ExitCode.problemsFound
        }
    }
}
