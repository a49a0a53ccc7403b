import Foundation
import Testing
import TestSupport

/// Runs the built `stageset-agent` binary the way an operator does.
func agent(_ arguments: [String], environment: [String: String] = [:]) throws -> Shell.Output {
    try Shell.run(try PackagePaths.builtProduct("stageset-agent"), arguments, environment: environment)
}

extension CommandLineFixture {
    func build(ref: String, extra: [String] = []) throws -> Shell.Output {
        let config = try writeConfig(ref: ref)
        return try agent(["build", "--config", config, "--state-dir", scratch.file("state"), "--secrets-dir", scratch.file("secrets")] + extra)
    }
}

@Suite struct CommandLineTests {
    @Test func validateNamesTheMisspeltFieldAndExitsOne() throws {
        let fixture = try CommandLineFixture()
        let config = try fixture.writeConfig(ref: "branch: main", stageField: "\n      prunne: false")
        let output = try agent(["validate", "--config", config])
        #expect(output.status == 1)
        #expect(output.standardError.contains(#"edge.yaml[0]: spec.stages[0].prunne: unknown field "prunne""#))
        let valid = try agent(["validate"], environment: ["STAGESET_AGENT_CONFIG": try fixture.writeConfig(ref: "branch: main")])
        #expect(valid.status == 0, "\(valid.standardError)")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try agent(["validate", "--no-such-flag"]).status == 2)
        #expect(try agent(["frobnicate"]).status == 2)
        #expect(try agent(["version"]).standardOutput.hasPrefix("stageset-agent "))
    }

    @Test func buildPrintsLabelledObjectsAtABranchATagASemverRangeAndACommit() throws {
        let fixture = try CommandLineFixture()
        let first = try fixture.git(["rev-parse", "HEAD"])
        try fixture.git(["tag", "v1.0.0"])
        try fixture.scratch.write("repository/clusters/edge/app/config.yaml",
            try String(contentsOfFile: fixture.repository + "/clusters/edge/app/config.yaml", encoding: .utf8).replacingOccurrences(of: "mode: one", with: "mode: two"))
        let second = try fixture.commit("second")
        try fixture.git(["tag", "-a", "v1.1.0", "-m", "release"])

        let branch = try fixture.build(ref: "branch: main")
        #expect(branch.status == 0, "\(branch.standardError)")
        #expect(branch.standardOutput.contains("revision main@sha1:\(second)"))
        #expect(branch.standardOutput.contains("mode: two"))
        #expect(branch.standardOutput.contains("stages.metio.wtf/stage: app"))
        #expect(branch.standardOutput.contains("stages.metio.wtf/name: edge"))
        #expect(branch.standardOutput.contains("token: '*****'"))
        #expect(!branch.standardOutput.contains("very-secret-token"))

        let tag = try fixture.build(ref: "tag: v1.0.0")
        #expect(tag.standardOutput.contains("revision v1.0.0@sha1:\(first)") && tag.standardOutput.contains("mode: one"))
        let semver = try fixture.build(ref: "semver: '>=1.0.0 <2.0.0'")
        #expect(semver.standardOutput.contains("revision v1.1.0@sha1:\(second)"))
        let commit = try fixture.build(ref: "commit: \(first)")
        #expect(commit.standardOutput.contains("revision sha1:\(first)") && commit.standardOutput.contains("mode: one"))

        let shown = try fixture.build(ref: "branch: main", extra: ["--show-secrets"])
        #expect(shown.standardOutput.contains("token: very-secret-token"))
    }

    @Test func buildReportsAMissingBranchAndExitsOne() throws {
        let fixture = try CommandLineFixture()
        let output = try fixture.build(ref: "branch: does-not-exist")
        #expect(output.status == 1)
        #expect(output.standardError.contains(#"branch "does-not-exist" not found"#))
    }
}
