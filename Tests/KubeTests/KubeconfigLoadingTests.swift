import Foundation
import Kube
import TestSupport
import Testing

/// kubeconfig loading as kubectl does it: precedence, first-wins merging, relative paths,
/// context selection — checked against the real `kubectl config` where it can tell.
@Suite struct KubeconfigLoadingTests {
    static let fakePEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
    static var fakePEMBase64: String { Data(fakePEM.utf8).base64EncodedString() }

    /// Two kubeconfigs that define the same cluster, user and context differently, plus one entry
    /// of each only in the second file, and different current-contexts.
    static func writeOverlappingFiles(in scratch: ScratchDirectory) throws -> (first: String, second: String) {
        let first = try scratch.write("first/config", """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shared
          cluster:
            server: https://first.example:6443
            insecure-skip-tls-verify: true
        users:
        - name: shared-user
          user:
            token: first-token
        contexts:
        - name: shared-context
          context:
            cluster: shared
            user: shared-user
            namespace: alpha
        current-context: shared-context
        """)
        let second = try scratch.write("second/config", """
        apiVersion: v1
        kind: Config
        clusters:
        - name: shared
          cluster:
            server: https://second.example:6443
        - name: only-second
          cluster:
            server: https://only-second.example:6443
            insecure-skip-tls-verify: true
        users:
        - name: shared-user
          user:
            username: second-user
            password: second-password
        contexts:
        - name: shared-context
          context:
            cluster: only-second
            user: shared-user
            namespace: beta
        - name: second-context
          context:
            cluster: only-second
            user: shared-user
            namespace: gamma
        current-context: second-context
        """)
        return (first, second)
    }

    @Test func kubeconfigVariableMergesWithTheFirstDefinitionWinningLikeKubectl() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let (first, second) = try Self.writeOverlappingFiles(in: scratch)
        let config = try KubeconfigLoadingRules(kubeconfigVariable: "\(first):\(second)").load()

        #expect(config.files == [first, second])
        #expect(config.currentContext == "shared-context")
        #expect(config.currentContextOrigin == first)
        #expect(config.clusters["shared"]?.server == "https://first.example:6443")
        #expect(config.clusters["only-second"]?.server == "https://only-second.example:6443")
        #expect(config.contexts["shared-context"]?.namespace == "alpha")
        #expect(config.contexts["second-context"] != nil)
        // Entries are taken whole from the first file: no basic auth leaks in from the second.
        #expect(config.users["shared-user"]?.token?.value == "first-token")
        #expect(config.users["shared-user"]?.username == nil)

        let connection = try config.connection()
        #expect(connection.contextName == "shared-context")
        #expect(connection.server == "https://first.example:6443")
        #expect(connection.namespace == "alpha")
        #expect(connection.kubeconfigPath == first)

        // The real kubectl resolves the same merged view.
        let kubectl = try Shell.locate("kubectl")
        let environment = ["KUBECONFIG": "\(first):\(second)", "HOME": scratch.directory]
        let current = try Shell.run(kubectl, ["config", "current-context"], environment: environment)
        #expect(current.status == 0, "\(current.standardError)")
        #expect(current.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == connection.contextName)
        let view = try Shell.run(kubectl, ["config", "view", "--minify", "-o",
            "jsonpath={.clusters[0].cluster.server} {.contexts[0].context.namespace} {.users[0].name}"], environment: environment)
        #expect(view.status == 0, "\(view.standardError)")
        #expect(view.standardOutput == "\(connection.server) \(connection.namespace) \(connection.userName)")

        // Reversed order: the other file wins everything, for kubectl and for us.
        let reversed = try KubeconfigLoadingRules(kubeconfigVariable: "\(second):\(first)").load()
        let reversedConnection = try reversed.connection()
        #expect(reversedConnection.contextName == "second-context")
        #expect(reversed.contexts["shared-context"]?.namespace == "beta")
        let reversedCurrent = try Shell.run(kubectl, ["config", "current-context"],
                                            environment: ["KUBECONFIG": "\(second):\(first)", "HOME": scratch.directory])
        #expect(reversedCurrent.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "second-context")
    }

    @Test func explicitPathIsReadAloneWithoutMerging() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let (first, second) = try Self.writeOverlappingFiles(in: scratch)
        let config = try KubeconfigLoadingRules.standard(explicitPath: second, environment: ["KUBECONFIG": first, "HOME": scratch.directory]).load()
        #expect(config.files == [second])
        #expect(config.clusters["shared"]?.server == "https://second.example:6443")
        #expect(config.currentContext == "second-context")
        #expect(throws: KubeError.self) { try config.connection(context: "no-such-context") }
    }

    @Test func missingFilesInTheVariableAreSkippedAndDuplicatesReadOnce() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let (first, _) = try Self.writeOverlappingFiles(in: scratch)
        let missing = scratch.file("missing/config")
        let rules = KubeconfigLoadingRules(kubeconfigVariable: "\(missing)::\(first):\(first)")
        #expect(rules.precedence == [missing, first])
        let config = try rules.load()
        #expect(config.files == [first])
        #expect(config.missingFiles == [missing])
        #expect(try config.connection().contextName == "shared-context")
    }

    @Test func homeConfigIsUsedWhenNothingElseIsGiven() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let (first, _) = try Self.writeOverlappingFiles(in: scratch)
        try scratch.write("home/.kube/config", String(decoding: try scratch.read("first/config"), as: UTF8.self))
        let rules = KubeconfigLoadingRules.standard(environment: ["HOME": scratch.file("home")])
        #expect(rules.precedence == [scratch.file("home/.kube/config")])
        #expect(try rules.load().connection().server == "https://first.example:6443")
        _ = first

        let nothing = KubeconfigLoadingRules.standard(environment: ["HOME": scratch.file("empty-home")])
        let error = #expect(throws: KubeError.self) { try nothing.load().connection() }
        #expect(error?.code == .kubeconfig)
        #expect(error?.message.contains("no kubeconfig found") == true)
        #expect(error?.message.contains(scratch.file("empty-home/.kube/config")) == true)
    }

    @Test func explicitPathThatDoesNotExistIsAnErrorNamingIt() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let path = scratch.file("nope/config")
        let error = #expect(throws: KubeError.self) { try KubeconfigLoadingRules(explicitPath: path).load() }
        #expect(error?.code == .kubeconfig)
        #expect(error?.message.contains(path) == true)
    }

    @Test func relativeFileReferencesResolveAgainstTheKubeconfigDirectory() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        try scratch.write("configs/pki/ca.crt", Self.fakePEM)
        try scratch.write("configs/pki/client.crt", Self.fakePEM)
        try scratch.write("configs/pki/client.key", "-----BEGIN PRIVATE KEY-----\nfake\n-----END PRIVATE KEY-----\n")
        try scratch.write("tokens/token", "abc\n")
        let path = try scratch.write("configs/nested/../config", """
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority: pki/ca.crt
        users:
        - name: cert-user
          user:
            client-certificate: ./pki/client.crt
            client-key: pki/client.key
        - name: token-user
          user:
            tokenFile: ../tokens/token
        - name: exec-path-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./bin/credential-plugin
              interactiveMode: Never
        - name: exec-name-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: credential-plugin
              interactiveMode: Never
        contexts:
        - name: cert
          context: {cluster: c, user: cert-user}
        """)
        #expect(path == scratch.file("configs/nested/../config"))
        let config = try KubeconfigLoadingRules(explicitPath: path).load()
        #expect(config.clusters["c"]?.certificateAuthority == scratch.file("configs/pki/ca.crt"))
        #expect(config.users["cert-user"]?.clientCertificate == scratch.file("configs/pki/client.crt"))
        #expect(config.users["cert-user"]?.clientKey == scratch.file("configs/pki/client.key"))
        #expect(config.users["token-user"]?.tokenFile == scratch.file("tokens/token"))
        #expect(config.users["exec-path-user"]?.exec?.command == scratch.file("configs/bin/credential-plugin"))
        #expect(config.users["exec-name-user"]?.exec?.command == "credential-plugin")
        let connection = try config.connection(context: "cert")
        #expect(connection.tls.certificateAuthority != nil)
        #expect(connection.tls.clientCertificate != nil)
        #expect(connection.tls.clientKey != nil)
    }

    @Test func contextSelectsClusterUserAndNamespace() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let path = try scratch.write("config", """
        apiVersion: v1
        kind: Config
        clusters:
        - name: prod
          cluster:
            server: https://10.0.0.1:6443/k8s/clusters/c-1/
            certificate-authority-data: \(Self.fakePEMBase64)
            tls-server-name: api.prod.internal
            proxy-url: socks5://127.0.0.1:1080
            disable-compression: true
        - name: plain
          cluster:
            server: 127.0.0.1:8080
        users:
        - name: admin
          user:
            token: admin-token
            as: jane
            as-groups: [developers, qa]
            as-uid: "1234"
            as-user-extra:
              scopes: [view, edit]
        contexts:
        - name: prod
          context: {cluster: prod, user: admin, namespace: payments}
        - name: plain
          context: {cluster: plain, user: admin}
        current-context: prod
        """)
        let config = try KubeconfigLoadingRules(explicitPath: path).load()
        let prod = try config.connection()
        #expect(prod.contextName == "prod")
        #expect(prod.clusterName == "prod")
        #expect(prod.userName == "admin")
        #expect(prod.namespace == "payments")
        #expect(prod.server == "https://10.0.0.1:6443/k8s/clusters/c-1")
        #expect(prod.tls.serverName == "api.prod.internal")
        #expect(prod.tls.certificateAuthority != nil)
        #expect(prod.proxyURL?.absoluteString == "socks5://127.0.0.1:1080")
        #expect(prod.disableCompression)
        #expect(prod.impersonation == ClusterConnection.Impersonation(user: "jane", uid: "1234", groups: ["developers", "qa"], extra: ["scopes": ["view", "edit"]]))
        if case .bearerToken(let token) = prod.authentication {
            #expect(token.value == "admin-token")
        } else {
            Issue.record("expected a bearer token, got \(prod.authentication)")
        }

        let plain = try config.connection(context: "plain")
        #expect(plain.namespace == "default")
        #expect(plain.server == "http://127.0.0.1:8080")
    }

    @Test(arguments: [
        ("missing context", "current-context: ghost\ncontexts: []", "current-context \"ghost\""),
        ("missing cluster", "contexts:\n- name: c\n  context: {cluster: nowhere, user: u}\nusers:\n- name: u\n  user: {}\ncurrent-context: c",
         "contexts[name=\"c\"].context.cluster names cluster \"nowhere\""),
        ("missing user", "clusters:\n- name: k\n  cluster: {server: https://x}\ncontexts:\n- name: c\n  context: {cluster: k, user: nobody}\ncurrent-context: c",
         "contexts[name=\"c\"].context.user names user \"nobody\""),
        ("no server", "clusters:\n- name: k\n  cluster: {insecure-skip-tls-verify: true}\ncontexts:\n- name: c\n  context: {cluster: k}\ncurrent-context: c",
         "clusters[name=\"k\"].cluster.server is not set"),
        ("wrong type", "clusters:\n- name: k\n  cluster: {server: https://x, insecure-skip-tls-verify: \"yes\"}\ncontexts:\n- name: c\n  context: {cluster: k}\ncurrent-context: c",
         "clusters[name=\"k\"].cluster.insecure-skip-tls-verify: must be true or false"),
        ("bad base64", "clusters:\n- name: k\n  cluster: {server: https://x, certificate-authority-data: \"%%%\"}\ncontexts:\n- name: c\n  context: {cluster: k}\ncurrent-context: c",
         "clusters[name=\"k\"].cluster.certificate-authority-data: is not valid base64"),
        ("missing ca file", "clusters:\n- name: k\n  cluster: {server: https://x, certificate-authority: ca/missing.crt}\ncontexts:\n- name: c\n  context: {cluster: k}\ncurrent-context: c",
         "clusters[name=\"k\"].cluster.certificate-authority: file "),
        ("insecure with ca", "clusters:\n- name: k\n  cluster: {server: https://x, insecure-skip-tls-verify: true, certificate-authority-data: \(fakePEMBase64)}\ncontexts:\n- name: c\n  context: {cluster: k}\ncurrent-context: c",
         "insecure-skip-tls-verify cannot be combined"),
        ("auth provider", "clusters:\n- name: k\n  cluster: {server: https://x}\nusers:\n- name: u\n  user:\n    auth-provider: {name: gcp, config: {access-token: hidden-gcp-token}}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\ncurrent-context: c",
         "users[name=\"u\"].user.auth-provider (gcp) is not supported"),
        ("token and basic", "clusters:\n- name: k\n  cluster: {server: https://x}\nusers:\n- name: u\n  user: {token: hidden-token, username: a, password: hidden-password}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\ncurrent-context: c",
         "more than one authentication method"),
        ("certificate without key", "clusters:\n- name: k\n  cluster: {server: https://x}\nusers:\n- name: u\n  user: {client-certificate-data: \(fakePEMBase64)}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\ncurrent-context: c",
         "client-key-data or client-key must be specified"),
        ("exec without interactiveMode", "clusters:\n- name: k\n  cluster: {server: https://x}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: plugin}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\ncurrent-context: c",
         "users[name=\"u\"].user.exec.interactiveMode must be specified"),
        ("exec with old api", "clusters:\n- name: k\n  cluster: {server: https://x}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: plugin}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\ncurrent-context: c",
         "exec.apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported"),
        ("duplicate names", "clusters:\n- name: k\n  cluster: {server: https://x}\n- name: k\n  cluster: {server: https://y}\n",
         "duplicate cluster name \"k\""),
        ("bad proxy", "clusters:\n- name: k\n  cluster: {server: https://x, proxy-url: \"ftp://proxy\"}\ncontexts:\n- name: c\n  context: {cluster: k}\ncurrent-context: c",
         "clusters[name=\"k\"].cluster.proxy-url is not a valid"),
        ("bad namespace", "clusters:\n- name: k\n  cluster: {server: https://x}\ncontexts:\n- name: c\n  context: {cluster: k, namespace: Not_Valid}\ncurrent-context: c",
         "namespace \"Not_Valid\" is not a valid namespace name"),
    ])
    func invalidKubeconfigsFailNamingTheFileAndField(_ name: String, _ body: String, _ expected: String) throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let path = try scratch.write("bad/config", body)
        let error = #expect(throws: KubeError.self, "\(name)") { try KubeconfigLoadingRules(explicitPath: path).load().connection() }
        #expect(error?.code == .kubeconfig)
        #expect(error?.message.contains(path) == true, "\(name): \(error?.message ?? "")")
        #expect(error?.message.contains(expected) == true, "\(name): \(error?.message ?? "")")
        for secret in ["hidden-token", "hidden-password", "hidden-gcp-token"] {
            #expect(error?.message.contains(secret) == false)
        }
    }

    @Test func credentialsNeverAppearInDescriptionsOrDumps() throws {
        let scratch = try ScratchDirectory("kubeconfig")
        let keyPEM = "-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n"
        let path = try scratch.write("config", """
        clusters:
        - name: k
          cluster: {server: https://x}
        users:
        - name: token
          user: {token: very-secret-token}
        - name: basic
          user: {username: alice, password: very-secret-password}
        - name: cert
          user:
            client-certificate-data: \(Self.fakePEMBase64)
            client-key-data: \(Data(keyPEM.utf8).base64EncodedString())
        contexts:
        - {name: token, context: {cluster: k, user: token}}
        - {name: basic, context: {cluster: k, user: basic}}
        - {name: cert, context: {cluster: k, user: cert}}
        """)
        let config = try KubeconfigLoadingRules(explicitPath: path).load()
        var texts: [String] = []
        for context in ["token", "basic", "cert"] {
            let connection = try config.connection(context: context)
            texts.append(String(describing: connection))
            texts.append(String(reflecting: connection))
            var dumped = ""
            dump(connection, to: &dumped)
            texts.append(dumped)
        }
        var dumpedUsers = ""
        dump(config.users, to: &dumpedUsers)
        texts.append(dumpedUsers)
        for text in texts {
            #expect(!text.contains("very-secret-token"))
            #expect(!text.contains("very-secret-password"))
            #expect(!text.contains("SECRETKEYMATERIAL"))
        }
    }
}
