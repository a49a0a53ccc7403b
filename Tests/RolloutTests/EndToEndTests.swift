import Foundation
import JSON
import KMS
import KMSTestSupport
import StageSpec
import Store
import Testing
import TestSupport
@testable import Rollout

/// The realistic composition: a SOPS-encrypted Secret from Git in stage one (decrypted in
/// memory with an age key from the host Secret), a JaaS-rendered Deployment mounting it in
/// stage two — real sops, age, jsonnet and git, against the Kubernetes API emulator.
@Suite struct EndToEndTests {
    let password = "s3cr3t-d4t4b4s3-p4ss"

    func encryptedSecret(_ fixture: RolloutFixture) throws -> String {
        let keyFile = fixture.scratch.file("secrets/sops-age/age.agekey")
        try FileManager.default.createDirectory(atPath: fixture.scratch.file("secrets/sops-age"), withIntermediateDirectories: true)
        try Shell.check("age-keygen", ["-o", keyFile])
        let recipient = try Shell.check("age-keygen", ["-y", keyFile]).trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = try fixture.scratch.write("plain/db.yaml", """
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              namespace: demo
            type: Opaque
            stringData:
              password: \(password)
            """)
        return try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient, "--encrypted-regex", "^(data|stringData)$", plain])
    }

    let snippet = """
        function(replicas="1") {
          deployment: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web", namespace: "demo" },
            spec: {
              replicas: std.parseInt(replicas),
              selector: { matchLabels: { app: "web" } },
              template: {
                metadata: { labels: { app: "web" } },
                spec: {
                  containers: [{ name: "web", image: "nginx:1.27",
                    env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }] }],
                },
              },
            },
          },
        }
        """

    func configuration(_ fixture: RolloutFixture, renderer: JaaSRendererPeer, decryption: Bool = true) throws -> Configuration {
        let spec = """
            \(decryption ? "decryption:\n  provider: sops\n  secretRef: {name: sops-age}\n" : "")stages:
              - name: secrets
                sourceRef: {kind: GitRepository, name: config}
                path: ./stages/secrets
              - name: app
                sourceRef: {apiVersion: jaas.metio.wtf/v1, kind: JsonnetSnippet, name: web}
            """
        let jaas = """
            apiVersion: jaas.metio.wtf/v1
            kind: JsonnetSnippet
            metadata: {name: web, namespace: demo}
            spec:
              renderer: {url: "\(renderer.url)"}
              tlas: {replicas: ["3"]}
            """
        return try fixture.configuration(spec, extraDocuments: jaas)
    }

    @Test func aSOPSSecretFromGitThenAJaaSRenderedDeploymentMountingIt() async throws {
        let fixture = try RolloutFixture()
        let renderer = try JaaSRendererPeer(snippets: ["web": snippet])
        defer { renderer.stop() }
        try fixture.git.commit(["stages/secrets/ns.yaml": Manifests.namespace("demo"), "stages/secrets/db.yaml": try encryptedSecret(fixture)])
        let configuration = try configuration(fixture, renderer: renderer)
        let outcome = await fixture.reconciler(configuration).reconcile()
        #expect(outcome.reason == .succeeded, "\(outcome.message)")

        let secret = try #require(fixture.live("secrets", "db"))
        let stored = secret["data"]?["password"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(stored == password)
        let web = try #require(fixture.live("deployments", group: "apps", "web"))
        #expect(web["spec"]?["replicas"] == 3)
        #expect(web["metadata"]?["labels"]?["stages.metio.wtf/stage"] == "app")
        let revision = try #require(try fixture.status()?.stage("app")?.revision)
        #expect(revision.hasPrefix("sha256:"))
        #expect(renderer.requests().contains { $0.contains("/jsonnet/web?replicas=3") })

        // No plaintext on disk: nothing under the state directory holds the password.
        let state = fixture.scratch.file("state")
        for relative in try FileManager.default.subpathsOfDirectory(atPath: state) {
            guard let data = FileManager.default.contents(atPath: state + "/" + relative) else { continue }
            #expect(data.range(of: Data(password.utf8)) == nil, "plaintext found in \(relative)")
        }

        // The same body renders the same revision: the next pass applies nothing new.
        fixture.emulator.resetRequestLog()
        let again = await fixture.reconciler(configuration).reconcile()
        #expect(again.reason == .succeeded)
        #expect(try fixture.status()?.stage("app")?.revision == revision)
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.isEmpty)
    }

    @Test func aMissingKeyFailsTheStageWithTheFileNotTheCause() async throws {
        let fixture = try RolloutFixture()
        let renderer = try JaaSRendererPeer(snippets: ["web": snippet])
        defer { renderer.stop() }
        try fixture.git.commit(["stages/secrets/ns.yaml": Manifests.namespace("demo"), "stages/secrets/db.yaml": try encryptedSecret(fixture)])
        // Replace the key with another one: the file cannot be decrypted.
        try FileManager.default.removeItem(atPath: fixture.scratch.file("secrets/sops-age/age.agekey"))
        try Shell.check("age-keygen", ["-o", fixture.scratch.file("secrets/sops-age/other.agekey")])
        let outcome = await fixture.reconciler(try configuration(fixture, renderer: renderer)).reconcile()
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message == "stage secrets: decryption failed: stages/secrets/db.yaml")
        #expect(fixture.live("secrets", "db") == nil)
        #expect(fixture.live("deployments", group: "apps", "web") == nil)
    }

    @Test func anEncryptedSecretWithoutDecryptionConfiguredIsRefused() async throws {
        let fixture = try RolloutFixture()
        let renderer = try JaaSRendererPeer(snippets: ["web": snippet])
        defer { renderer.stop() }
        try fixture.git.commit(["stages/secrets/ns.yaml": Manifests.namespace("demo"), "stages/secrets/db.yaml": try encryptedSecret(fixture)])
        let outcome = await fixture.reconciler(try configuration(fixture, renderer: renderer, decryption: false)).reconcile()
        #expect(outcome.reason == .stageFailed)
        #expect(outcome.message.contains("is SOPS encrypted, configuring decryption is required"))
        #expect(fixture.live("secrets", "db") == nil)
    }

    @Test func aSOPSEncryptedEnvFileFeedsAKustomizeSecretGenerator() async throws {
        let fixture = try RolloutFixture()
        let keyFile = fixture.scratch.file("secrets/sops-age/age.agekey")
        try FileManager.default.createDirectory(atPath: fixture.scratch.file("secrets/sops-age"), withIntermediateDirectories: true)
        try Shell.check("age-keygen", ["-o", keyFile])
        let recipient = try Shell.check("age-keygen", ["-y", keyFile]).trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = try fixture.scratch.write("plain/db.env", "DB_USER=app\nDB_PASSWORD=\(password)\n")
        let encrypted = try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient, plain])
        try fixture.git.commit([
            "stages/app/kustomization.yaml": "namespace: demo\nresources: [ns.yaml]\nsecretGenerator:\n  - name: db\n    envs: [db.env]\n    options: {disableNameSuffixHash: true}\n",
            "stages/app/ns.yaml": Manifests.namespace("demo"),
            "stages/app/db.env": encrypted,
        ])
        let outcome = try await fixture.reconcile("decryption: {provider: sops, secretRef: {name: sops-age}}\n" + stagesSpec(["app"]))
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        let secret = try #require(fixture.live("secrets", "db"))
        let stored = secret["data"]?["DB_PASSWORD"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(stored == password)
    }

    @Test func rendererAnswersMapToReasons() async throws {
        let fixture = try RolloutFixture()
        let renderer = try JaaSRendererPeer(snippets: ["broken": "{ a: error 'boom' }"])
        defer { renderer.stop() }
        try fixture.git.commit(["stages/secrets/ns.yaml": Manifests.namespace("demo")])
        func outcome(_ snippetName: String) async throws -> PassOutcome {
            let spec = "stages:\n  - name: app\n    sourceRef: {apiVersion: jaas.metio.wtf/v1, kind: JsonnetSnippet, name: web}\n"
            let jaas = "apiVersion: jaas.metio.wtf/v1\nkind: JsonnetSnippet\nmetadata: {name: web, namespace: demo}\nspec:\n  renderer: {url: \"\(renderer.url)\", snippet: \(snippetName)}\n"
            return await fixture.reconciler(try fixture.configuration(spec, extraDocuments: jaas)).reconcile()
        }
        #expect(try await outcome("missing").reason == .artifactNotFound)
        #expect(try await outcome("broken").reason == .stageFailed)
        renderer.stop()
        #expect(try await outcome("broken").reason == .sourceNotReady)
    }
}

/// A KMS-only StageSet (no key Secret): the Secret was encrypted by the real sops with an AWS KMS
/// key in moto, and the agent decrypts it with ambient credentials from its environment.
@Suite struct KMSEndToEndTests {
    @Test func aKMSOnlyStageSetDecryptsWithAmbientCredentials() async throws {
        let fixture = try RolloutFixture()
        let endpoint = try Moto.endpoint()
        let arn = try Moto.createKey()
        let aws = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1"]
        let plain = try fixture.scratch.write("plain/db.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: demo\nstringData:\n  password: kms-protected-value\n")
        let encrypted = try Shell.check("sops", ["--disable-version-check", "encrypt", "--kms", arn, "--encrypted-regex", "^(data|stringData)$", plain],
            environment: aws)
        try fixture.git.commit(["stages/app/ns.yaml": Manifests.namespace("demo"), "stages/app/db.yaml": encrypted])
        var reconciler = fixture.reconciler(try fixture.configuration("decryption: {provider: sops}\n" + stagesSpec(["app"])))
        reconciler.kmsSession = KMSTestEnvironment.session(home: fixture.scratch.file("home"), aws)
        let outcome = await reconciler.reconcile()
        #expect(outcome.reason == .succeeded, "\(outcome.message)")
        let stored = fixture.live("secrets", "db")?["data"]?["password"]?.stringValue.flatMap { Data(base64Encoded: $0) }
        #expect(stored.map { String(decoding: $0, as: UTF8.self) } == "kms-protected-value")

        // Without credentials the stage fails with the file named and the cause in the log only.
        var without = fixture.reconciler(try fixture.configuration("decryption: {provider: sops}\n" + stagesSpec(["app"])))
        without.kmsSession = KMSTestEnvironment.session(home: fixture.scratch.file("home"), ["AWS_ENDPOINT_URL": endpoint])
        try fixture.git.commit(["stages/app/other.yaml": Manifests.configMap("other")])
        let failed = await without.reconcile()
        #expect(failed.reason == .stageFailed)
        #expect(failed.message == "stage app: decryption failed: stages/app/db.yaml")
    }
}
