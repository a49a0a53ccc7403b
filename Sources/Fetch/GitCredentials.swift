#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HostSecrets

/// Turns a GitRepository's host Secret into the environment one `git` call needs, without ever
/// putting a credential into argv: HTTP credentials travel as `http.extraHeader` through
/// `GIT_CONFIG_*` variables, SSH keys as 0600 files in a private tmpfs directory.
struct GitCredentials {
    var environment: [String: String?]
    var scratch: PrivateTemporaryDirectory?

    static let baseEnvironment: [String: String?] = [
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_ASKPASS": "/bin/false",
        "SSH_ASKPASS": "/bin/false",
        "LC_ALL": "C",
        "LANG": "C",
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes",
    ]

    static func prepare(url: String, secret: HostSecret?) throws(SourceError) -> GitCredentials {
        var environment = baseEnvironment
        guard let secret else { return GitCredentials(environment: environment, scratch: nil) }
        let scratch = try PrivateTemporaryDirectory(prefix: "git-credentials")
        var configuration: [(String, String)] = []
        do throws(SourceError) {
            if let username = secret.text("username"), let password = secret.text("password") {
                let token = Data("\(username):\(password)".utf8).base64EncodedString()
                configuration.append(("http.extraHeader", "Authorization: Basic \(token)"))
            } else if let bearer = secret.text("bearerToken") {
                configuration.append(("http.extraHeader", "Authorization: Bearer \(bearer)"))
            }
            if let ca = secret["ca.crt"] {
                let path = try scratch.write("ca.crt", ca)
                configuration.append(("http.sslCAInfo", path))
            }
            var ssh = "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes"
            if let identity = secret["identity"] {
                var bytes = identity
                if bytes.last != 0x0A { bytes.append(0x0A) }
                let path = try scratch.write("identity", bytes)
                ssh += " -i \(path) -o IdentitiesOnly=yes"
            }
            if let knownHosts = secret["known_hosts"] {
                let path = try scratch.write("known_hosts", knownHosts)
                ssh += " -o UserKnownHostsFile=\(path)"
            }
            environment["GIT_SSH_COMMAND"] = ssh
        } catch {
            scratch.remove()
            throw error
        }
        environment["GIT_CONFIG_COUNT"] = String(configuration.count)
        for (index, (key, value)) in configuration.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = key
            environment["GIT_CONFIG_VALUE_\(index)"] = value
        }
        return GitCredentials(environment: environment, scratch: scratch)
    }

    func cleanUp() {
        scratch?.remove()
    }
}
