import ArgumentParser
import Build
import Fetch
import HostSecrets
import JSON
import Rollout
import StageSpec
import YAML

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Resolve, fetch and build stages; print the objects as multi-document YAML (Secret values masked).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this StageSet (NAME or NAMESPACE/NAME).")
    var stageset: String?

    @Option(name: .long, help: "Only this stage.")
    var stage: String?

    @Flag(name: .long, help: "Print Secret data and stringData values instead of masking them.")
    var showSecrets = false

    func run() async throws {
        let (configuration, stageSets) = try global.selectStageSets(stageset, requireAny: true)
        let renderer = AgentWiring.renderer(global: global)
        let logger = AgentLogging.logger(global)
        var problems = false
        var output = ""
        for stageSet in stageSets {
            let stages = stageSet.spec.stages.filter { stage == nil || $0.name == stage }
            if let stage, stages.isEmpty {
                throw ValidationError("StageSet \(stageSet.key) has no stage named \"\(stage)\"")
            }
            let pins: PinnedSources
            let decryption: StageDecryption?
            do {
                pins = try await renderer.fetcher.pin(stageSet, in: configuration, stages: stages)
                decryption = try StageDecryption.load(for: stageSet, secrets: renderer.secrets, kmsSession: AgentWiring.kmsSession, logger: logger)
            } catch {
                writeStandardError("StageSet \(stageSet.key): \(error)\n")
                problems = true
                continue
            }
            for stage in stages {
                do {
                    let rendered = try await renderer.render(stage, of: stageSet, in: configuration, pins: pins, decryption: decryption)
                    for entry in rendered.skipped {
                        writeStandardError("StageSet \(stageSet.key) stage \(stage.name): skipped \(entry)\n")
                    }
                    output += "# StageSet \(stageSet.key), stage \(stage.name), revision \(rendered.revision)\n"
                    for object in rendered.objects {
                        let value = showSecrets ? object.value : SecretMasking.masked(object.value)
                        output += "---\n" + YAMLEmitter().emit(.object(value))
                    }
                } catch {
                    if case .decryption(_, let cause) = error { logger.error("StageSet \(stageSet.key) stage \(stage.name): \(cause)") }
                    writeStandardError("StageSet \(stageSet.key) stage \(stage.name): \(error)\n")
                    problems = true
                }
            }
        }
        print(output, terminator: "")
        if problems { throw ExitCode.problemsFound }
    }
}
