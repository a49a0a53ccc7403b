import Testing
@testable import StageSpec

/// Loads configuration text and returns the issue lines (or an empty list when it loads).
func issues(_ files: [(String, String)]) -> [String] {
    do {
        _ = try ConfigurationLoader.load(files: files.map { ($0.0, Array($0.1.utf8)) })
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

func load(_ text: String, file: String = "payments.yaml") throws -> Configuration {
    try ConfigurationLoader.load(files: [(file, Array(text.utf8))])
}

let gitSource = """
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata:
      name: config
      namespace: payments
    spec:
      url: https://git.example.com/payments/config.git
      interval: 1m
    """

func stageSet(_ spec: String, name: String = "payments") -> String {
    """
    apiVersion: stages.metio.wtf/v1
    kind: StageSet
    metadata:
      name: \(name)
      namespace: payments
    spec:
    \(spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
    """
}

let oneStage = """
    stages:
      - name: app
        sourceRef:
          kind: GitRepository
          name: config
    """

@Suite struct ConfigurationLoaderTests {
    @Test func appliesTheControllerDefaults() throws {
        let configuration = try load(stageSet(oneStage) + "\n---\n" + gitSource)
        let set = try #require(configuration.stageSets.first)
        #expect(set.spec.interval == .seconds(600))
        #expect(set.spec.effectiveRetryInterval == .seconds(600))
        #expect(set.spec.timeout == .seconds(900))
        #expect(set.spec.onTimeout == .hold)
        #expect(set.spec.suspend == false)
        #expect(set.spec.rollbackOnFailure == false)
        let stage = try #require(set.spec.stages.first)
        #expect(stage.path == "./")
        #expect(stage.prune)
        #expect(stage.force == false)
        #expect(stage.conflictPolicy.defaultAction == .fail)
        #expect(stage.sourceRef.apiVersion == "source.toolkit.fluxcd.io/v1")
        #expect(stage.sourceRef.namespace == "payments")
        let repository = try #require(configuration.gitRepositories[ObjectKey(namespace: "payments", name: "config")])
        #expect(repository.spec.reference == .branch("master"))
        #expect(repository.spec.timeout == .seconds(60))
    }

    @Test func readsTheFullExampleFromTheDesign() throws {
        let text = """
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: payments
              namespace: payments
            spec:
              interval: 5m
              timeout: 10m
              kubeConfig:
                path: /etc/rancher/k3s/k3s.yaml
                context: default
              decryption:
                provider: sops
                secretRef:
                  name: sops-age
              rollbackOnFailure: true
              stages:
                - name: secrets
                  sourceRef:
                    kind: GitRepository
                    name: payments-secrets
                  path: ./clusters/edge-01
                - name: app
                  sourceRef:
                    apiVersion: jaas.metio.wtf/v1
                    kind: JsonnetSnippet
                    name: payments-app
                  readyChecks:
                    timeout: 5m
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: payments-secrets
            spec:
              url: ssh://git@git.example.com/payments/config.git
              ref:
                branch: main
              interval: 1m
              secretRef:
                name: git-ssh
            ---
            apiVersion: jaas.metio.wtf/v1
            kind: JsonnetSnippet
            metadata:
              name: payments-app
            spec:
              renderer:
                url: http://jaas.internal:8080/jsonnet
                snippet: payments-app
              tlas:
                - name: replicas
                  value: "3"
              interval: 2m
            """
        // The sources live in the default namespace here, so the references must say so.
        let adjusted = text.replacingOccurrences("name: payments-secrets\n      path", "name: payments-secrets\n        namespace: default\n      path")
            .replacingOccurrences("name: payments-app\n      readyChecks", "name: payments-app\n        namespace: default\n      readyChecks")
        let configuration = try load(adjusted)
        let set = try #require(configuration.stageSets.first)
        #expect(set.spec.interval == .seconds(300))
        #expect(set.spec.kubeConfig == KubeConfigReference(path: "/etc/rancher/k3s/k3s.yaml", context: "default"))
        #expect(set.spec.decryption == Decryption(provider: "sops", secretRef: SecretReference(name: "sops-age")))
        #expect(set.spec.verifyTimeout(of: set.spec.stages[1]) == .seconds(300))
        #expect(set.spec.verifyTimeout(of: set.spec.stages[0]) == .seconds(600))
        let snippet = try #require(configuration.jsonnetSnippets.values.first)
        #expect(snippet.spec.topLevelArguments == [TopLevelArgument(name: "replicas", values: ["3"])])
        #expect(snippet.spec.renderer.url == "http://jaas.internal:8080/jsonnet")
    }

    @Test func reportsAMisspeltFieldWithFileDocumentAndPath() {
        let text = stageSet(oneStage.replacingOccurrences("name: app", "name: app\n    prunne: false")) + "\n---\n" + gitSource
        #expect(issues([("payments.yaml", text)]) == [#"payments.yaml[0]: spec.stages[0].prunne: unknown field "prunne""#])
    }

    @Test func reportsEveryProblemOfAFileAtOnce() {
        let spec = """
            interval: 5 minutes
            onTimeout: Abort
            stages:
              - name: App
                sourceRef:
                  kind: Bucket
                  name: config
              - name: db
                sourceRef:
                  kind: GitRepository
                  name: missing
              - name: db
                sourceRef:
                  kind: GitRepository
                  name: config
            """
        #expect(issues([("payments.yaml", stageSet(spec) + "\n---\n" + gitSource)]) == [
            #"payments.yaml[0]: spec.interval: invalid duration "5 minutes" (use Go syntax such as 30s, 5m, 1h30m)"#,
            #"payments.yaml[0]: spec.onTimeout: unsupported value "Abort" (allowed: Hold, Rollback)"#,
            #"payments.yaml[0]: spec.stages[0].name: invalid stage name "App": must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ (at most 63 characters)"#,
            #"payments.yaml[0]: spec.stages[0].sourceRef.kind: unknown source kind "Bucket" (supported: GitRepository, JsonnetSnippet)"#,
            #"payments.yaml[0]: spec.stages[2].name: duplicate stage name "db""#,
            #"payments.yaml[0]: spec.stages[1].sourceRef: GitRepository "payments/missing" is not defined in the configuration"#,
        ])
    }

    @Test func requiresAtLeastOneStage() {
        #expect(issues([("a.yaml", stageSet("stages: []"))]) == ["a.yaml[0]: spec.stages: at least one stage is required"])
        #expect(issues([("a.yaml", stageSet("interval: 1m"))]) == ["a.yaml[0]: spec.stages: at least one stage is required"])
    }

    @Test func refusesServiceAccountNameWithAnExplanation() {
        let text = stageSet("serviceAccountName: deployer\n" + oneStage) + "\n---\n" + gitSource
        #expect(issues([("a.yaml", text)]) == [
            "a.yaml[0]: spec.serviceAccountName: not applicable on a host: the agent is single-tenant and applies everything with the kubeconfig's identity; remove serviceAccountName"
        ])
    }

    @Test func refusesControllerFieldsThatAreNotSupportedYet() {
        let spec = """
            dependsOn: [{name: other}]
            errorBudget: {}
            stages:
              - name: app
                sourceRef: {kind: GitRepository, name: config}
                promotion: {soak: 1h}
                readyChecks:
                  exprs: []
            """
        #expect(issues([("a.yaml", stageSet(spec) + "\n---\n" + gitSource)]) == [
            "a.yaml[0]: spec.dependsOn: not supported yet: spec.dependsOn",
            "a.yaml[0]: spec.errorBudget: not supported yet: spec.errorBudget",
            "a.yaml[0]: spec.stages[0].readyChecks.exprs: not supported yet: spec.stages[0].readyChecks.exprs",
            "a.yaml[0]: spec.stages[0].promotion: not supported yet: spec.stages[0].promotion",
        ])
    }

    @Test func refusesKubeConfigSecretReferencesOnTheHost() {
        let text = stageSet("kubeConfig:\n  secretRef: {name: kc}\n" + oneStage) + "\n---\n" + gitSource
        #expect(issues([("a.yaml", text)]) == [
            "a.yaml[0]: spec.kubeConfig.secretRef: not applicable on a host: there is no Secret/ConfigMap to read; set spec.kubeConfig.path to a kubeconfig file (and optionally context)",
            "a.yaml[0]: spec.kubeConfig.path: required field is missing",
        ])
    }

    @Test func checksDecryptionProviderAndEnums() {
        let spec = """
            decryption: {provider: vault}
            stages:
              - name: app
                sourceRef: {kind: GitRepository, name: config}
                onTimeout: Later
                conflictPolicy:
                  default: Overwrite
                  rules:
                    - target: {kind: PersistentVolumeClaim}
                      action: Recreate
                      allowDataLoss: yes
            """
        #expect(issues([("a.yaml", stageSet(spec) + "\n---\n" + gitSource)]) == [
            #"a.yaml[0]: spec.decryption.provider: unsupported value "vault" (allowed: sops)"#,
            #"a.yaml[0]: spec.stages[0].onTimeout: unsupported value "Later" (allowed: Hold, Rollback)"#,
            #"a.yaml[0]: spec.stages[0].conflictPolicy.default: unsupported value "Overwrite" (allowed: Fail, Recreate, KeepExisting)"#,
            "a.yaml[0]: spec.stages[0].conflictPolicy.rules[0].allowDataLoss: must be true or false, not string",
        ])
    }

    @Test func forceMeansRecreateByDefault() throws {
        let text = stageSet(oneStage.replacingOccurrences("name: app", "name: app\n    force: true")) + "\n---\n" + gitSource
        #expect(try load(text).stageSets[0].spec.stages[0].conflictPolicy.defaultAction == .recreate)
    }

    @Test func followsTheVerifyTimeoutLadder() throws {
        let spec = """
            timeout: 0s
            stages:
              - name: a
                sourceRef: {kind: GitRepository, name: config}
              - name: b
                sourceRef: {kind: GitRepository, name: config}
                timeout: 3m
                readyChecks: {timeout: 0s}
              - name: c
                sourceRef: {kind: GitRepository, name: config}
                timeout: 3m
                readyChecks: {timeout: 90s}
            """
        let set = try load(stageSet(spec) + "\n---\n" + gitSource).stageSets[0]
        #expect(set.spec.stages.map(set.spec.verifyTimeout(of:)) == [.seconds(900), .seconds(180), .seconds(90)])
    }

    @Test func rejectsUnknownKindsAndAPIVersions() {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: x}
            ---
            apiVersion: stages.metio.wtf/v2
            kind: StageSet
            metadata: {name: x}
            spec: {}
            """
        #expect(issues([("a.yaml", text)]) == [
            #"a.yaml[0]: kind: unknown kind "ConfigMap" (supported: StageSet, GitRepository, JsonnetSnippet)"#,
            #"a.yaml[1]: apiVersion: unsupported apiVersion "stages.metio.wtf/v2" for StageSet (supported: stages.metio.wtf/v1)"#,
        ])
    }

    @Test func reportsDuplicateStageSetsAcrossFiles() {
        let first = stageSet(oneStage) + "\n---\n" + gitSource
        let second = stageSet(oneStage)
        #expect(issues([("a.yaml", first), ("b.yaml", second)]) == [
            #"b.yaml[0]: metadata.name: duplicate StageSet "payments/payments" (first defined in a.yaml[0])"#
        ])
    }

    @Test func reportsYAMLSyntaxErrorsWithTheFile() {
        let found = issues([("broken.yaml", "apiVersion: v1\nkind: [\n")])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("broken.yaml: line ") == true)
    }

    @Test func validatesGitRepositoryFields() {
        let text = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: a}
            spec:
              url: ftp://example.com/repo.git
              interval: 1m
              ref: {semver: ">=1.0 <<2"}
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: b}
            spec:
              url: git@example.com:org/repo.git
              ref: {commit: abc}
              verify: {mode: HEAD}
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: c}
            spec:
              url: https://example.com/repo.git
              interval: 1m
              ref: {name: main}
            """
        #expect(issues([("git.yaml", text)]) == [
            #"git.yaml[0]: spec.url: unsupported URL scheme "ftp" (supported: https, http, ssh, file, or scp-like user@host:path)"#,
            #"git.yaml[0]: spec.ref.semver: invalid semver range ">=1.0 <<2""#,
            "git.yaml[1]: spec.ref.commit: must be a full 40-character (SHA-1) or 64-character (SHA-256) commit hash",
            "git.yaml[1]: spec.interval: required field is missing",
            "git.yaml[1]: spec.verify: not supported yet: spec.verify",
            "git.yaml[2]: spec.ref.name: must be a full ref name starting with refs/ (e.g. refs/heads/main)",
        ])
    }

    @Test func honoursFluxRefPrecedence() throws {
        let text = gitSource.replacingOccurrences("interval: 1m", "interval: 1m\n  ref:\n    branch: main\n    tag: v1\n    semver: '>=1.0.0'")
        #expect(try load(text).gitRepositories.values.first?.spec.reference == .semver(">=1.0.0"))
    }

    @Test func acceptsBothTopLevelArgumentShapesAndRefusesCodeArguments() throws {
        let mapShape = """
            apiVersion: jaas.metio.wtf/v1
            kind: JsonnetSnippet
            metadata: {name: app}
            spec:
              renderer: {url: "https://jaas.example:8443/jsonnet"}
              tlas:
                replicas: ["3"]
                zones: [a, b]
            """
        let snippet = try #require(try load(mapShape).jsonnetSnippets.values.first)
        #expect(snippet.spec.renderer.snippet == "app")
        #expect(snippet.spec.topLevelArguments == [TopLevelArgument(name: "replicas", values: ["3"]), TopLevelArgument(name: "zones", values: ["a", "b"])])

        let codeArgument = """
            apiVersion: jaas.metio.wtf/v1
            kind: JsonnetSnippet
            metadata: {name: app}
            spec:
              renderer: {url: "https://jaas.example/jsonnet"}
              tlas:
                - {name: config, value: "{a: 1}", code: true}
              files: {main.jsonnet: "{}"}
            """
        #expect(issues([("j.yaml", codeArgument)]) == [
            "j.yaml[0]: spec.tlas[0].code: code TLAs cannot be sent to a JaaS HTTP renderer: it binds query parameters as strings only",
            "j.yaml[0]: spec.files: not applicable on a host: this field is evaluated by the JaaS operator, while the agent calls a JaaS HTTP renderer; configure the snippet on the renderer and set spec.renderer",
        ])
    }

    @Test func producerSourceReferencesNeedAnAPIVersion() {
        let spec = """
            stages:
              - name: app
                sourceRef: {kind: JsonnetSnippet, name: app}
            """
        let snippet = """
            apiVersion: jaas.metio.wtf/v1
            kind: JsonnetSnippet
            metadata: {name: app, namespace: payments}
            spec:
              renderer: {url: "http://jaas/jsonnet"}
            """
        #expect(issues([("a.yaml", stageSet(spec) + "\n---\n" + snippet)]) == [
            "a.yaml[0]: spec.stages[0].sourceRef.apiVersion: apiVersion is required for the producer kind JsonnetSnippet (jaas.metio.wtf/v1)"
        ])
    }

    @Test func missingSourceKindExplainsTheControllerDefault() {
        let spec = """
            stages:
              - name: app
                sourceRef: {name: config}
            """
        #expect(issues([("a.yaml", stageSet(spec) + "\n---\n" + gitSource)]) == [
            "a.yaml[0]: spec.stages[0].sourceRef.kind: kind is required on a host: the controller's default, ExternalArtifact, has no host equivalent (supported: GitRepository, JsonnetSnippet)"
        ])
    }

    @Test func refusesStagePathsThatEscapeTheSource() {
        let text = stageSet(oneStage.replacingOccurrences("name: app", "name: app\n    path: ../other")) + "\n---\n" + gitSource
        #expect(issues([("a.yaml", text)]) == ["a.yaml[0]: spec.stages[0].path: must be a relative path inside the source (no leading / and no ..)"])
    }

    @Test func rejectsNonMappingDocumentsAndBadMetadata() {
        let text = "- a\n- b\n---\napiVersion: stages.metio.wtf/v1\nkind: StageSet\nmetadata:\n  name: Bad_Name\n  uid: x\nspec:\n  stages: []\n"
        #expect(issues([("a.yaml", text)]) == [
            "a.yaml[0]: a configuration document must be a mapping, not array",
            #"a.yaml[1]: metadata.name: invalid name "Bad_Name": use lower-case letters, digits, '-' and '.' (RFC 1123)"#,
            #"a.yaml[1]: metadata.uid: unknown field "uid""#,
            "a.yaml[1]: spec.stages: at least one stage is required",
        ])
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
