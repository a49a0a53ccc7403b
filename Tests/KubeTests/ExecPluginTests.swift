import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// kubeconfig `exec` credential plugins: shell scripts written by the tests play the plugin, the
/// kube emulator checks the credentials they hand out.
@Suite struct ExecPluginTests {
    /// A plugin directory with a script that counts its runs, records its input, and prints the
    /// credential the test put into `credential-<run>.json` (or `credential.json`).
    struct Plugin {
        let directory: String
        let script: String

        init(in fixture: EmulatorFixture, body: String? = nil) throws {
            directory = fixture.scratch.file("plugin")
            let text = body ?? """
            #!/bin/sh
            dir="$(dirname "$0")"
            count=$(cat "$dir/count" 2>/dev/null || echo 0)
            count=$((count + 1))
            echo "$count" > "$dir/count"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info-$count.json"
            printf '%s|%s|%s' "$1" "$2" "$PLUGIN_REGION" > "$dir/arguments-$count"
            if [ -f "$dir/credential-$count.json" ]; then cat "$dir/credential-$count.json"; else cat "$dir/credential.json"; fi
            """
            script = try fixture.scratch.write("plugin/credential-plugin", text, mode: 0o755)
        }

        func setCredential(_ status: JSONValue, apiVersion: String = "client.authentication.k8s.io/v1", run: Int? = nil) throws {
            let document = JSONValue.object(JSONObject([("apiVersion", .string(apiVersion)), ("kind", "ExecCredential"), ("status", status)]))
            let name = run.map { "credential-\($0).json" } ?? "credential.json"
            try Data(document.jsonText.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"))
        }

        var runs: Int {
            (try? String(contentsOfFile: "\(directory)/count", encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        }

        func execInfo(run: Int) throws -> JSONObject {
            try object(String(contentsOfFile: "\(directory)/exec-info-\(run).json", encoding: .utf8))
        }

        func arguments(run: Int) throws -> String {
            try String(contentsOfFile: "\(directory)/arguments-\(run)", encoding: .utf8)
        }
    }

    static func execUser(command: String, apiVersion: String = "client.authentication.k8s.io/v1", interactiveMode: String? = "Never",
                         provideClusterInfo: Bool = false, installHint: String? = nil) -> String {
        var text = """
        exec:
          apiVersion: \(apiVersion)
          command: \(command)
          args: [--region, eu-west-1]
          env:
          - name: PLUGIN_REGION
            value: from-env
          provideClusterInfo: \(provideClusterInfo)
        """
        if let interactiveMode { text += "\n  interactiveMode: \(interactiveMode)" }
        if let installHint { text += "\n  installHint: \"\(installHint)\"" }
        return text
    }

    @Test func v1TokenIsCachedUntilItsExpiry() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["plugin-token": "plugin-user"] }
        let plugin = try Plugin(in: fixture)
        try plugin.setCredential(["token": "plugin-token", "expirationTimestamp": "2999-01-01T00:00:00Z"])
        let path = try fixture.writeKubeconfig(
            "kube/config", userFields: Self.execUser(command: "../plugin/credential-plugin", provideClusterInfo: true),
            clusterFields: "certificate-authority: \(fixture.caPath)\nextensions:\n- name: client.authentication.k8s.io/exec\n  extension: {audience: stageset}")
        let client = try fixture.client(kubeconfig: path)
        _ = try await client.serverVersion()
        _ = try await client.serverVersion()
        #expect(plugin.runs == 1)
        #expect(await client.execPluginRunCount() == 1)
        #expect(fixture.authenticatedUsers() == ["plugin-user", "plugin-user"])

        let info = try plugin.execInfo(run: 1)
        #expect(info.string("apiVersion") == "client.authentication.k8s.io/v1")
        #expect(info.string("kind") == "ExecCredential")
        #expect(info.at("spec.interactive")?.boolValue == false)
        #expect(info.string("spec.cluster.server") == fixture.emulator.serverURL)
        #expect(info.string("spec.cluster.config.audience") == "stageset")
        let authority = try #require(info.string("spec.cluster.certificate-authority-data"))
        #expect(Data(base64Encoded: authority) == (try Data(contentsOf: URL(fileURLWithPath: fixture.caPath))))
        #expect(try plugin.arguments(run: 1) == "--region|eu-west-1|from-env")
    }

    @Test func expiredCredentialRunsThePluginAgain() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["plugin-token": "plugin-user"] }
        let plugin = try Plugin(in: fixture)
        try plugin.setCredential(["token": "plugin-token", "expirationTimestamp": "2001-01-01T00:00:00Z"])
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        _ = try await client.serverVersion()
        _ = try await client.serverVersion()
        #expect(plugin.runs == 2)
        let info = try plugin.execInfo(run: 1)
        #expect(info["spec"]?["cluster"] == nil, "\(info)")
    }

    @Test func v1beta1WithoutInteractiveModeWorks() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["beta-token": "beta-user"] }
        let plugin = try Plugin(in: fixture)
        try plugin.setCredential(["token": "beta-token"], apiVersion: "client.authentication.k8s.io/v1beta1")
        let path = try fixture.writeKubeconfig(
            "kube/config", userFields: Self.execUser(command: plugin.script, apiVersion: "client.authentication.k8s.io/v1beta1", interactiveMode: nil))
        _ = try await fixture.client(kubeconfig: path).serverVersion()
        #expect(fixture.authenticatedUsers() == ["beta-user"])
        #expect(try plugin.execInfo(run: 1).string("apiVersion") == "client.authentication.k8s.io/v1beta1")
    }

    @Test func clientCertificateFromThePluginAuthenticates() async throws {
        let fixture = try EmulatorFixture()
        let plugin = try Plugin(in: fixture)
        let certificate = try String(contentsOfFile: fixture.emulator.certificates.clientCertificatePath, encoding: .utf8)
        let key = try String(contentsOfFile: fixture.emulator.certificates.clientKeyPath, encoding: .utf8)
        try plugin.setCredential(["clientCertificateData": .string(certificate), "clientKeyData": .string(key)])
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        _ = try await client.serverVersion()
        let created = try await client.apply(try object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-plugin-cert"}}"#))
        #expect(created.created)
        #expect(Set(fixture.authenticatedUsers()) == ["admin"])
        #expect(plugin.runs == 1)
    }

    @Test func unauthorizedAnswerRunsThePluginOnceMoreAndRetries() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["fresh-token": "plugin-user"] }
        let plugin = try Plugin(in: fixture)
        try plugin.setCredential(["token": "stale-token", "expirationTimestamp": "2999-01-01T00:00:00Z"], run: 1)
        try plugin.setCredential(["token": "fresh-token"])
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        _ = try await client.serverVersion()
        #expect(plugin.runs == 2)
        #expect(fixture.emulator.requestLog().map(\.statusCode) == [401, 200])
    }

    @Test func persistentUnauthorizedStopsAfterOneRefresh() async throws {
        let fixture = try EmulatorFixture()
        let plugin = try Plugin(in: fixture)
        try plugin.setCredential(["token": "always-wrong-token"])
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .unauthorized)
        #expect(plugin.runs == 2)
        #expect(error?.message.contains("always-wrong-token") == false)
    }

    @Test func concurrentRequestsShareOnePluginRun() async throws {
        let fixture = try EmulatorFixture { $0.tokens = ["plugin-token": "plugin-user"] }
        let plugin = try Plugin(in: fixture)
        try plugin.setCredential(["token": "plugin-token"])
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await client.serverVersion() } }
            try await group.waitForAll()
        }
        #expect(plugin.runs == 1)
    }

    @Test func failingPluginSurfacesItsStandardError() async throws {
        let fixture = try EmulatorFixture()
        let plugin = try Plugin(in: fixture, body: """
        #!/bin/sh
        echo "session expired: run 'cloud login' first" >&2
        echo '{"status":{"token":"must-not-leak"}}'
        exit 3
        """)
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("exit code 3") == true)
        #expect(error?.message.contains("session expired: run 'cloud login' first") == true)
        #expect(error?.message.contains("must-not-leak") == false)
        #expect(error?.message.contains(path) == true)
    }

    @Test(arguments: [
        (#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t0ken-secret"}}"#, "apiVersion"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#, "no status field"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#, "neither a token"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientKeyData":"t0ken-secret"}}"#, "not both"),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t0ken-secret","expirationTimestamp":"tomorrow"}}"#, "expirationTimestamp"),
        ("t0ken-secret is not JSON", "not an ExecCredential JSON object"),
    ])
    func malformedPluginOutputIsRejectedWithoutEchoingIt(_ output: String, _ expected: String) async throws {
        let fixture = try EmulatorFixture()
        let plugin = try Plugin(in: fixture, body: "#!/bin/sh\ncat \"$(dirname \"$0\")/output\"\n")
        try fixture.scratch.write("plugin/output", output)
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script))
        let client = try fixture.client(kubeconfig: path)
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("t0ken-secret") == false)
    }

    @Test func missingPluginShowsTheInstallHint() async throws {
        let fixture = try EmulatorFixture()
        let path = try fixture.writeKubeconfig(
            "kube/config", userFields: Self.execUser(command: "stageset-test-no-such-credential-plugin", installHint: "Install it with: apt install example-auth"))
        let client = try fixture.client(kubeconfig: path)
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("stageset-test-no-such-credential-plugin") == true)
        #expect(error?.message.contains("Install it with: apt install example-auth") == true)
    }

    @Test func interactiveModeAlwaysIsRefusedWithoutATerminal() async throws {
        let fixture = try EmulatorFixture()
        let plugin = try Plugin(in: fixture)
        let path = try fixture.writeKubeconfig("kube/config", userFields: Self.execUser(command: plugin.script, interactiveMode: "Always"))
        let client = try fixture.client(kubeconfig: path)
        let error = await #expect(throws: KubeError.self) { try await client.serverVersion() }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("interactiveMode Always") == true)
        #expect(plugin.runs == 0)
    }
}
