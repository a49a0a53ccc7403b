import Foundation
import HostSecrets
import StageSpec
import Testing
import TestSupport
@testable import Fetch

func repository(_ url: String, _ reference: GitReference = .branch("main"), secret: String? = nil, ignore: String? = nil,
    timeout: Duration = .seconds(30)) -> GitRepository
{
    GitRepository(
        metadata: DocumentMetadata(name: "config", namespace: "test"),
        spec: GitRepositorySpec(url: url, reference: reference, interval: .seconds(60), timeout: timeout,
            secretRef: secret.map(SecretReference.init(name:)), ignore: ignore),
        origin: DocumentOrigin(file: "test.yaml", documentIndex: 0))
}

func source(_ scratch: ScratchDirectory, secrets: String? = nil, git: String = "git", limits: ArtifactLimits = ArtifactLimits()) -> GitSource {
    GitSource(cacheDirectory: scratch.file("cache"), secrets: HostSecretStore(secretsDirectory: secrets ?? scratch.file("secrets"),
        credentialsDirectory: nil), gitExecutable: git, limits: limits)
}

func expectSourceError(_ code: SourceError.Code, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        try await body()
        Issue.record("expected a \(code) error", sourceLocation: sourceLocation)
    } catch let error as SourceError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct GitSourceRefTests {
    @Test func fetchesABranchOverFileURLs() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit(["deploy/app/config.yaml": sampleManifest, "README.md": "docs"])
        let scratch = try ScratchDirectory()
        let artifact = try await source(scratch).fetch(repository(fixture.fileURL), directory: "./deploy/app")
        #expect(artifact.revision == "main@sha1:\(commit)")
        #expect(artifact.files.paths == ["deploy/app/config.yaml"])
        #expect(artifact.files["deploy/app/config.yaml"] == Array(sampleManifest.utf8))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("cache") + "/work"), "the cache is bare: no working tree")
    }

    /// StageSets that share a Git URL pin it at the same time in the daemon; git's ref and
    /// shallow locks fail rather than wait, so the cache's own lock must serialise them.
    @Test func concurrentPinsOfOneRepositoryAllSucceed() async throws {
        let fixture = try GitFixture()
        let scratch = try ScratchDirectory()
        for round in 0..<3 {
            let commit = try fixture.commit(["deploy/app/config.yaml": sampleManifest + "# \(round)\n"])
            let revisions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await source(scratch).pin(repository(fixture.fileURL)).revision }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(revisions == Array(repeating: "main@sha1:\(commit)", count: 6))
        }
    }

    @Test func fetchesLightweightAndAnnotatedTags() async throws {
        let fixture = try GitFixture()
        let first = try fixture.commit(["a.yaml": sampleManifest])
        try fixture.tag("v1.0.0")
        let second = try fixture.commit(["a.yaml": sampleManifest + "\n# two\n"])
        try fixture.tag("v1.1.0", annotated: true)
        let scratch = try ScratchDirectory()
        let git = source(scratch)
        #expect(try await git.pin(repository(fixture.fileURL, .tag("v1.0.0"))).revision == "v1.0.0@sha1:\(first)")
        #expect(try await git.pin(repository(fixture.fileURL, .tag("v1.1.0"))).revision == "v1.1.0@sha1:\(second)")
    }

    @Test func picksTheHighestTagInASemverRange() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["a.yaml": "1"])
        try fixture.tag("v1.0.0")
        let wanted = try fixture.commit(["a.yaml": "2"])
        try fixture.tag("v1.2.0", annotated: true)
        try fixture.commit(["a.yaml": "3"])
        try fixture.tag("v2.0.0")
        try fixture.tag("v1.3.0-rc.1")
        try fixture.tag("not-a-version")
        let scratch = try ScratchDirectory()
        let pin = try await source(scratch).pin(repository(fixture.fileURL, .semver(">=1.0.0 <2.0.0")))
        #expect(pin.revision == "v1.2.0@sha1:\(wanted)")
        await expectSourceError(.notFound) { _ = try await source(scratch).pin(repository(fixture.fileURL, .semver(">=3.0.0"))) }
    }

    @Test func fetchesAFullRefName() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["a.yaml": "main"])
        try fixture.git(["checkout", "--quiet", "-b", "feature"])
        let feature = try fixture.commit(["a.yaml": "feature"])
        let scratch = try ScratchDirectory()
        let artifact = try await source(scratch).fetch(repository(fixture.fileURL, .name("refs/heads/feature")))
        #expect(artifact.revision == "refs/heads/feature@sha1:\(feature)")
        #expect(artifact.files["a.yaml"] == Array("feature".utf8))
    }

    @Test func fetchesACommitThatIsNotABranchTip() async throws {
        let fixture = try GitFixture()
        let old = try fixture.commit(["a.yaml": "old"])
        try fixture.commit(["a.yaml": "new"])
        let scratch = try ScratchDirectory()
        let git = source(scratch)
        let bare = try await git.fetch(repository(fixture.fileURL, .commit(old, branch: nil)))
        #expect(bare.revision == "sha1:\(old)")
        #expect(bare.files["a.yaml"] == Array("old".utf8))
        let onBranch = try await git.fetch(repository(fixture.fileURL, .commit(old, branch: "main")))
        #expect(onBranch.revision == "main@sha1:\(old)")
        await expectSourceError(.notFound) {
            _ = try await git.pin(repository(fixture.fileURL, .commit(String(repeating: "ab", count: 20), branch: nil)))
        }
    }

    @Test func followsAForcePushedBranch() async throws {
        let fixture = try GitFixture()
        let before = try fixture.commit(["a.yaml": "before"])
        let scratch = try ScratchDirectory()
        let git = source(scratch)
        #expect(try await git.pin(repository(fixture.fileURL)).commit == before)
        try fixture.git(["checkout", "--quiet", "--orphan", "rewritten"])
        try fixture.git(["rm", "--quiet", "-rf", "."])
        try fixture.scratch.write("work/a.yaml", "after")
        try fixture.git(["add", "-A"])
        try fixture.git(["commit", "--quiet", "-m", "rewritten history"])
        try fixture.git(["branch", "-M", "rewritten", "main"])
        try fixture.push()
        let after = try fixture.git(["rev-parse", "HEAD"])
        let artifact = try await git.fetch(repository(fixture.fileURL))
        #expect(artifact.revision == "main@sha1:\(after)")
        #expect(artifact.files["a.yaml"] == Array("after".utf8))
    }

    @Test func aDeletedTagIsNotFound() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["a.yaml": "x"])
        try fixture.tag("v1.0.0")
        let scratch = try ScratchDirectory()
        let git = source(scratch)
        _ = try await git.pin(repository(fixture.fileURL, .tag("v1.0.0")))
        try fixture.git(["tag", "-d", "v1.0.0"])
        try fixture.push()
        await expectSourceError(.notFound) { _ = try await git.pin(repository(fixture.fileURL, .tag("v1.0.0"))) }
    }

    @Test func distinguishesMissingRepositoriesBranchesAndPaths() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["deploy/a.yaml": "x"])
        let scratch = try ScratchDirectory()
        let git = source(scratch)
        await expectSourceError(.notFound) { _ = try await git.pin(repository("file://" + scratch.file("nothing-here.git"))) }
        await expectSourceError(.notFound) { _ = try await git.pin(repository(fixture.fileURL, .branch("nope"))) }
        await expectSourceError(.pathNotFound) { _ = try await git.fetch(repository(fixture.fileURL), directory: "clusters/missing") }
    }

    @Test func aMissingGitExecutableIsAClearError() async throws {
        let scratch = try ScratchDirectory()
        await expectSourceError(.toolMissing) {
            _ = try await source(scratch, git: "/nonexistent/bin/git").pin(repository("file:///tmp/x.git"))
        }
    }
}

@Suite struct GitArtifactGuardTests {
    @Test func skipsDotFilesAndOddNamesAndFollowsInternalSymlinks() async throws {
        let fixture = try GitFixture()
        try fixture.scratch.write("work/app/.hidden.yaml", "hidden")
        try fixture.scratch.write("work/app/.config/x.yaml", "hidden")
        try fixture.scratch.write("work/app/with space.yaml", "odd")
        try fixture.scratch.write("work/shared/base.yaml", sampleManifest)
        try fixture.scratch.write("work/app/real.yaml", sampleManifest)
        try FileManager.default.createSymbolicLink(atPath: fixture.work + "/app/linked.yaml", withDestinationPath: "../shared/base.yaml")
        try FileManager.default.createSymbolicLink(atPath: fixture.work + "/app/dir-link", withDestinationPath: "../shared")
        try fixture.commit([:])
        let scratch = try ScratchDirectory()
        let artifact = try await source(scratch).fetch(repository(fixture.fileURL), directory: "app")
        #expect(artifact.files.paths == ["app/linked.yaml", "app/real.yaml"])
        #expect(artifact.files["app/linked.yaml"] == Array(sampleManifest.utf8))
        let skipped = Set(artifact.skipped.map(\.path))
        #expect(skipped == ["app/.hidden.yaml", "app/.config/x.yaml", "app/with space.yaml", "app/dir-link"])
    }

    @Test func refusesSymlinksThatLeaveTheRepository() async throws {
        let fixture = try GitFixture()
        try FileManager.default.createDirectory(atPath: fixture.work + "/app", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.work + "/app/passwd.yaml", withDestinationPath: "../../../../etc/passwd")
        try fixture.commit(["app/ok.yaml": sampleManifest])
        let scratch = try ScratchDirectory()
        await expectSourceError(.unsafeContent) { _ = try await source(scratch).fetch(repository(fixture.fileURL), directory: "app") }
    }

    @Test func capsBytesPerFileAndPerStage() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["big/one.yaml": String(repeating: "x", count: 2_000), "many/a.yaml": String(repeating: "y", count: 700),
            "many/b.yaml": String(repeating: "z", count: 700)])
        let scratch = try ScratchDirectory()
        let limits = ArtifactLimits(maximumFileBytes: 1_000, maximumTotalBytes: 1_200)
        await expectSourceError(.tooLarge) { _ = try await source(scratch, limits: limits).fetch(repository(fixture.fileURL), directory: "big") }
        await expectSourceError(.tooLarge) { _ = try await source(scratch, limits: limits).fetch(repository(fixture.fileURL), directory: "many") }
    }

    @Test func skipsSubmodules() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit(["app/a.yaml": sampleManifest])
        try fixture.git(["update-index", "--add", "--cacheinfo", "160000,\(commit),app/module"])
        try fixture.git(["commit", "--quiet", "-m", "submodule"])
        try fixture.push()
        let scratch = try ScratchDirectory()
        let artifact = try await source(scratch).fetch(repository(fixture.fileURL), directory: "app")
        #expect(artifact.files.paths == ["app/a.yaml"])
        #expect(artifact.skipped.map(\.path) == ["app/module"])
    }

    @Test func appliesIgnoreRulesLikeFlux() async throws {
        let fixture = try GitFixture()
        try fixture.commit([
            "app/a.yaml": sampleManifest, "app/logo.png": "png", "app/drafts/b.yaml": "draft", "app/c.yaml": sampleManifest,
            ".sourceignore": "app/c.yaml\n",
        ])
        let scratch = try ScratchDirectory()
        let defaults = try await source(scratch).fetch(repository(fixture.fileURL), directory: "app")
        #expect(defaults.files.paths == ["app/a.yaml", "app/drafts/b.yaml"])
        let custom = try await source(scratch).fetch(repository(fixture.fileURL, ignore: "drafts/\n"), directory: "app")
        #expect(custom.files.paths == ["app/a.yaml", "app/logo.png"])
    }
}
