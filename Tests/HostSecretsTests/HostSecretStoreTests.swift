import Foundation
import Testing
import TestSupport
@testable import HostSecrets

@Suite struct HostSecretStoreTests {
    @Test func readsOneFilePerEntry() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("secrets/git/username", "deployer\n", mode: 0o600)
        try scratch.write("secrets/git/password", "hunter2", mode: 0o600)
        try scratch.write("secrets/git/.hidden", "ignored", mode: 0o600)
        let secret = try HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil).secret(named: "git")
        #expect(secret.entries.keys.sorted() == ["password", "username"])
        #expect(secret.text("username") == "deployer")
    }

    @Test func credentialsReplaceFileEntries() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("secrets/keys/a.agekey", "from-file", mode: 0o600)
        try scratch.write("secrets/keys/b.agekey", "only-file", mode: 0o600)
        try scratch.write("credentials/keys.a.agekey", "from-credential", mode: 0o400)
        try scratch.write("credentials/other.x", "unrelated", mode: 0o400)
        let store = HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: scratch.file("credentials"))
        let secret = try store.secret(named: "keys")
        #expect(secret.text("a.agekey") == "from-credential")
        #expect(secret.text("b.agekey") == "only-file")
        #expect(secret.entries.count == 2)
        let credentialsOnly = try HostSecretStore(secretsDirectory: scratch.file("none"), credentialsDirectory: scratch.file("credentials"))
            .secret(named: "other")
        #expect(credentialsOnly.text("x") == "unrelated")
    }

    @Test func refusesEntriesOthersCanRead() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("secrets/git/password", "hunter2", mode: 0o644)
        #expect {
            _ = try HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil).secret(named: "git")
        } throws: { error in
            guard let error = error as? HostSecretError else { return false }
            return error.code == .insecurePermissions && error.message.contains("mode 0644") && error.message.contains("chmod 600")
                && !error.message.contains("hunter2")
        }
    }

    @Test func aMissingSecretNamesWhereItWasLookedFor() throws {
        let scratch = try ScratchDirectory()
        #expect {
            _ = try HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: scratch.file("creds")).secret(named: "sops-age")
        } throws: { error in
            guard let error = error as? HostSecretError else { return false }
            return error.code == .notFound && error.message.contains(scratch.file("secrets") + "/sops-age")
                && error.message.contains("sops-age.<entry>")
        }
    }

    @Test func refusesNamesThatWalkOutOfTheDirectory() {
        for name in ["", "..", "a/b", "."] {
            #expect(throws: HostSecretError.self) { _ = try HostSecretStore(secretsDirectory: "/tmp", credentialsDirectory: nil).secret(named: name) }
        }
    }
}
