import Foundation
import HostSecrets
import StageSpec
import Testing
import TestSupport
@testable import Fetch

/// Git over SSH against a real OpenSSH server (Debian `openssh-server`) on 127.0.0.1, running as
/// the test user with its own host key: the Secret's `identity` and `known_hosts` entries, with
/// strict host-key checking.
@Suite struct GitSSHTests {
    /// An `sshd` that accepts one client key for the current user.
    final class SSHServer {
        let scratch: ScratchDirectory
        let server: BackgroundServer
        let clientKey: String
        let knownHostsLine: String
        let user: String

        init() throws {
            scratch = try ScratchDirectory("sshd")
            for name in ["host_key", "client_key"] {
                try Shell.check("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", scratch.file(name)])
            }
            try scratch.write("authorized_keys", try String(contentsOfFile: scratch.file("client_key.pub"), encoding: .utf8), mode: 0o600)
            let port = try Network.freePort()
            let configuration = try scratch.write("sshd_config", """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(scratch.file("host_key"))
                AuthorizedKeysFile \(scratch.file("authorized_keys"))
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                PermitRootLogin prohibit-password
                PidFile \(scratch.file("sshd.pid"))
                LogLevel ERROR

                """)
            // Run as root, sshd wants its privilege-separation directory (the Debian service makes it).
            if getuid() == 0 { try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
            server = try BackgroundServer("/usr/sbin/sshd", ["-D", "-e", "-f", configuration], port: port)
            clientKey = try String(contentsOfFile: scratch.file("client_key"), encoding: .utf8)
            let hostKey = try String(contentsOfFile: scratch.file("host_key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            knownHostsLine = "[127.0.0.1]:\(port) \(hostKey)\n"
            user = String(cString: getpwuid(getuid()).pointee.pw_name)
        }

        func url(_ repository: String) -> String { "ssh://\(user)@127.0.0.1:\(server.port)\(repository)" }

        deinit { server.stop() }
    }

    func secrets(_ scratch: ScratchDirectory, _ entries: [String: String]) throws -> String {
        for (name, value) in entries { try scratch.write("secrets/git-ssh/\(name)", value, mode: 0o600) }
        return scratch.file("secrets")
    }

    @Test func fetchesWithTheIdentityAndTheKnownHostKey() async throws {
        let fixture = try GitFixture()
        let commit = try fixture.commit(["app/a.yaml": sampleManifest])
        let ssh = try SSHServer()
        let scratch = try ScratchDirectory()
        let log = scratch.file("argv.log")
        let wrapper = try scratch.write("git-wrapper", "#!/bin/sh\necho \"$@\" >> \(log)\nexec git \"$@\"\n", mode: 0o755)
        let directory = try secrets(scratch, ["identity": ssh.clientKey, "known_hosts": ssh.knownHostsLine])
        let artifact = try await source(scratch, secrets: directory, git: wrapper)
            .fetch(repository(ssh.url(fixture.bare), secret: "git-ssh"), directory: "app")
        #expect(artifact.revision == "main@sha1:\(commit)")
        #expect(artifact.files.paths == ["app/a.yaml"])
        #expect(!(try String(contentsOfFile: log, encoding: .utf8)).contains("PRIVATE KEY"))
    }

    @Test func anUnknownHostKeyIsRefused() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["app/a.yaml": sampleManifest])
        let ssh = try SSHServer()
        let scratch = try ScratchDirectory()
        try Shell.check("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", scratch.file("other_host_key")])
        let otherKey = try String(contentsOfFile: scratch.file("other_host_key.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let impostor = "[127.0.0.1]:\(ssh.server.port) \(otherKey)\n"
        for knownHosts in [impostor, ""] {
            let directory = try secrets(scratch, ["identity": ssh.clientKey, "known_hosts": knownHosts])
            let failure = await #expect(throws: SourceError.self) {
                _ = try await source(scratch, secrets: directory).pin(repository(ssh.url(fixture.bare), secret: "git-ssh"))
            }
            #expect(failure?.code == .authenticationFailed)
            #expect(failure?.message.contains("host key verification failed") == true, "\(failure?.message ?? "")")
            #expect(failure?.message.contains("PRIVATE KEY") == false)
        }
    }

    @Test func aKeyTheServerDoesNotAcceptIsAnAuthenticationFailure() async throws {
        let fixture = try GitFixture()
        try fixture.commit(["app/a.yaml": sampleManifest])
        let ssh = try SSHServer()
        let scratch = try ScratchDirectory()
        try Shell.check("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", scratch.file("stranger")])
        let stranger = try String(contentsOfFile: scratch.file("stranger"), encoding: .utf8)
        let directory = try secrets(scratch, ["identity": stranger, "known_hosts": ssh.knownHostsLine])
        await expectSourceError(.authenticationFailed) {
            _ = try await source(scratch, secrets: directory).pin(repository(ssh.url(fixture.bare), secret: "git-ssh"))
        }
    }
}
