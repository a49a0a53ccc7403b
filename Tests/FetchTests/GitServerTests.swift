import Foundation
import HostSecrets
import StageSpec
import Testing
import TestSupport
@testable import Fetch

@Suite struct GitServerTests {
    @Test func fetchesFromGitDaemon() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit(["app/a.yaml": sampleManifest])
        let port = try Network.freePort()
        let daemon = try BackgroundServer("git", ["daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)",
            "--base-path=\(fixture.scratch.file("served"))", fixture.scratch.file("served")], port: port)
        defer { daemon.stop() }
        let scratch = try ScratchDirectory()
        let artifact = try await source(scratch).fetch(repository("git://127.0.0.1:\(port)/repo.git".replacingOccurrences(of: "git://", with: "git://")), directory: "app")
        #expect(artifact.revision == "main@sha1:\(commit)")
        #expect(artifact.files.paths == ["app/a.yaml"])
    }

    @Test func anUnreachableServerIsReportedAsUnreachable() async throws {
        let port = try Network.freePort()
        let scratch = try ScratchDirectory()
        await expectSourceError(.unreachable) { _ = try await source(scratch).pin(repository("http://127.0.0.1:\(port)/repo.git")) }
    }

    func httpServer(_ fixture: GitFixture, credential: String?) throws -> BackgroundServer {
        let port = try Network.freePort()
        let script = PackagePaths.root + "/Tests/FetchTests/Servers/git_http_server.py"
        return try BackgroundServer("python3", [script, String(port), fixture.scratch.file("served")] + (credential.map { [$0] } ?? []), port: port)
    }

    func secrets(_ scratch: ScratchDirectory, _ entries: [String: String]) throws -> String {
        for (name, value) in entries {
            try scratch.write("secrets/git-auth/\(name)", value, mode: 0o600)
        }
        return scratch.file("secrets")
    }

    @Test func fetchesOverSmartHTTPWithBasicAuth() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit(["app/a.yaml": sampleManifest])
        let server = try httpServer(fixture, credential: "deployer:s3cret-passw0rd")
        defer { server.stop() }
        let scratch = try ScratchDirectory()
        let url = "http://127.0.0.1:\(server.port)/repo.git"

        // A wrapper records every git invocation, so the test can prove credentials stay out of argv.
        let log = scratch.file("argv.log")
        let wrapper = try scratch.write("git-wrapper", "#!/bin/sh\necho \"$@\" >> \(log)\nexec git \"$@\"\n", mode: 0o755)
        let directory = try secrets(scratch, ["username": "deployer", "password": "s3cret-passw0rd"])
        let artifact = try await source(scratch, secrets: directory, git: wrapper).fetch(repository(url, secret: "git-auth"), directory: "app")
        #expect(artifact.revision == "main@sha1:\(commit)")
        let recorded = try String(contentsOfFile: log, encoding: .utf8)
        #expect(recorded.contains("ls-remote"))
        #expect(!recorded.contains("s3cret-passw0rd"))
        #expect(!recorded.contains("deployer"))

        // An unchanged remote costs one ls-remote and no fetch.
        try "".write(toFile: log, atomically: true, encoding: .utf8)
        _ = try await source(scratch, secrets: directory, git: wrapper).pin(repository(url, secret: "git-auth"))
        let second = try String(contentsOfFile: log, encoding: .utf8)
        #expect(second.contains("ls-remote"))
        #expect(!second.contains("fetch"))
    }

    @Test func wrongOrMissingCredentialsAreAnAuthenticationFailure() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["app/a.yaml": sampleManifest])
        let server = try httpServer(fixture, credential: "deployer:right")
        defer { server.stop() }
        let scratch = try ScratchDirectory()
        let url = "http://127.0.0.1:\(server.port)/repo.git"
        let directory = try secrets(scratch, ["username": "deployer", "password": "wrong"])
        await expectSourceError(.authenticationFailed) { _ = try await source(scratch, secrets: directory).pin(repository(url, secret: "git-auth")) }
        await expectSourceError(.authenticationFailed) { _ = try await source(scratch).pin(repository(url)) }
        let failure = await #expect(throws: SourceError.self) {
            _ = try await source(scratch, secrets: directory).pin(repository(url, secret: "git-auth"))
        }
        #expect(failure?.description.contains("wrong") == false, "the password must not appear in the error")
    }

    @Test func fetchesOverSmartHTTPWithABearerToken() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit(["app/a.yaml": sampleManifest])
        let server = try httpServer(fixture, credential: "bearer:token-123")
        defer { server.stop() }
        let scratch = try ScratchDirectory()
        let directory = try secrets(scratch, ["bearerToken": "token-123\n"])
        let pin = try await source(scratch, secrets: directory).pin(repository("http://127.0.0.1:\(server.port)/repo.git", secret: "git-auth"))
        #expect(pin.commit == commit)
    }

    @Test func aMissingSecretIsReported() async throws {
        let scratch = try ScratchDirectory()
        await expectSourceError(.authenticationFailed) { _ = try await source(scratch).pin(repository("file:///nowhere.git", secret: "absent")) }
    }
}
