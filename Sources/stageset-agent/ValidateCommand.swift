import ArgumentParser
import StageSpec

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the configuration; print every problem with its file, document and field path.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let configuration = try loadConfiguration(global.configPath)
        let sourceCount = configuration.gitRepositories.count + configuration.jsonnetSnippets.count
        print("configuration is valid: \(configuration.stageSets.count) StageSet(s), \(sourceCount) source(s)")
    }
}

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
