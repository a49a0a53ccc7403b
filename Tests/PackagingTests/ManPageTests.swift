import Foundation
import Testing
import TestSupport

@Suite struct ManPageTests {
    @Test func theManPageIsGeneratedFromEveryCommandsHelpAndRendersCleanly() throws {
        let agent = try PackagePaths.builtProduct("stageset-agent")
        let page = try Shell.check(PackagePaths.root + "/packaging/build-manpage.sh", [agent], environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(page.contains(".TH STAGESET\\-AGENT 8 \"2023-11-14\""))
        #expect(page.contains(".SH NAME\nstageset\\-agent \\- rolls Kubernetes manifests"))

        let topLevel = try Shell.check(agent, ["--help"], environment: ["COLUMNS": "1000"])
        let commands = topLevel.split(separator: "\n").drop { $0 != "SUBCOMMANDS:" }.dropFirst()
            .prefix { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0 != "See" }
        #expect(commands.contains("validate") && commands.contains("reconcile"))
        for command in commands {
            #expect(page.contains(".SS \"\(command)\""), "section for \(command)")
            let help = try Shell.check(agent, [command, "--help"], environment: ["COLUMNS": "1000"])
            for option in help.split(separator: "\n").compactMap({ $0.firstMatch(of: /^  (--[a-z-]+)/)?.1 }) where option != "--help" && option != "--version" {
                #expect(page.contains("\\fB" + option.replacingOccurrences(of: "-", with: "\\-")), "\(command) \(option) is documented")
            }
        }

        let scratch = try ScratchDirectory("manpage")
        let file = try scratch.write("stageset-agent.8", page)
        let groff = try Shell.run("groff", ["-man", "-ww", "-z", file])
        #expect(groff.status == 0 && groff.standardError.isEmpty, "groff warnings: \(groff.standardError)")
        let rendered = try Shell.run("man", ["-l", file], environment: ["MANWIDTH": "100", "MAN_KEEP_FORMATTING": "0"])
        #expect(rendered.status == 0)
        #expect(rendered.standardOutput.contains("journalctl -u stageset-agent STAGESET=payments STAGE=app"))
    }
}
