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
