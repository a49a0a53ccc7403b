import Foundation
import Testing
@testable import KubeEmulator

@Suite struct AuthenticationTests {
    @Test func requestsWithoutCredentialsGet401Status() throws {
        let cluster = try TestCluster()
        let response = try cluster.request("GET", "/api/v1/namespaces", auth: .none)
        #expect(response.status == 401)
        #expect(response.json["kind"] == .string("Status"))
        #expect(response.json["reason"] == .string("Unauthorized"))
        #expect(response.json["code"] == .integer(401))
        let wrongToken = try cluster.request("GET", "/api/v1/namespaces", auth: .none, extraArguments: ["-H", "Authorization: Bearer nope"])
        #expect(wrongToken.status == 401)
    }

    @Test func clientCertificateAndTokenAuthenticateAsTheirUsers() throws {
        let cluster = try TestCluster { $0.tokens = ["token-one": "alice"] }
        #expect(try cluster.request("GET", "/api/v1/namespaces", auth: .certificate).status == 200)
        #expect(try cluster.request("GET", "/api/v1/namespaces", auth: .token).status == 200)
        let users = cluster.emulator.requestLog().compactMap(\.user)
        #expect(users == ["admin", "alice"])
    }

    @Test func kubeconfigsCarryInlineCredentials() throws {
        let cluster = try TestCluster { $0.clusterName = "emu"; $0.contextName = "emu-ctx"; $0.userName = "emu-user" }
        let certificateConfig = try String(contentsOfFile: cluster.emulator.kubeconfigPath, encoding: .utf8)
        #expect(certificateConfig.contains("certificate-authority-data:"))
        #expect(certificateConfig.contains("client-certificate-data:"))
        #expect(certificateConfig.contains("client-key-data:"))
        #expect(certificateConfig.contains("current-context: \"emu-ctx\""))
        let tokenConfig = try String(contentsOfFile: cluster.emulator.tokenKubeconfigPath, encoding: .utf8)
        #expect(tokenConfig.contains("token: \"emulator-admin-token\""))
        #expect(!tokenConfig.contains("client-key-data"))
    }

    @Test func serverCertificateCarriesTheExtraNameForTLSServerName() throws {
        let cluster = try TestCluster { $0.extraServerName = "api.emulator.internal" }
        let path = "\(cluster.directory)/kubeconfig-server-name"
        try cluster.emulator.writeKubeconfig(to: path, credential: .token, tlsServerName: "api.emulator.internal")
        let (status, output, errors) = try cluster.kubectl(["get", "namespaces", "-o", "name"], kubeconfig: path)
        #expect(status == 0, "\(errors)")
        #expect(output.contains("namespace/default"))
        try cluster.emulator.writeKubeconfig(to: path, credential: .token, tlsServerName: "wrong.example.com")
        let (wrongStatus, _, wrongErrors) = try cluster.kubectl(["get", "namespaces", "-o", "name"], kubeconfig: path)
        #expect(wrongStatus != 0)
        #expect(wrongErrors.contains("certificate"))
    }
}
