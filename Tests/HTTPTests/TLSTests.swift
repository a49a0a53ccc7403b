import Foundation
import Testing

@testable import HTTP

@Suite("TLS: trust, client certificates, server name")
struct TLSTests {
    private func httpsServer(_ pki: TestPKI, kube: Bool = false, requireClientCertificate: Bool = false) throws
        -> PythonPeer
    {
        var arguments = [
            "--cert", (kube ? pki.kubeCertificate : pki.serverCertificate).path,
            "--key", (kube ? pki.kubeKey : pki.serverKey).path,
        ]
        if requireClientCertificate { arguments += ["--client-ca", pki.caCertificate.path] }
        return try PythonPeer("http_server.py", arguments)
    }

    @Test func caGivenAsPEMDataVerifiesTheServer() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki)
        defer { server.stop() }
        let client = try directClient { $0.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate)) }
        let response = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        #expect(response.status == 200)
    }

    @Test func caGivenAsFileVerifiesTheServer() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki)
        defer { server.stop() }
        let client = try directClient { $0.tls.certificateAuthority = .file(pki.caCertificate.path) }
        let response = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        #expect(response.status == 200)
    }

    @Test func wrongCAFailsVerificationAsTLSError() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki)
        defer { server.stop() }
        let client = try directClient { $0.tls.certificateAuthority = .pem(try pki.data(pki.otherCACertificate)) }
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: server.url("/echo?token=hidden", scheme: "https")))
        }
        #expect(error?.code == .tls)
        #expect(error?.endpoint == "https://127.0.0.1:\(server.port)")
        #expect(error?.message.contains("https://127.0.0.1:\(server.port)") == true)
        #expect(error?.description.contains("hidden") == false)
    }

    @Test func systemRootsDoNotTrustThePrivateCA() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki)
        defer { server.stop() }
        let client = try directClient()
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        }
        #expect(error?.code == .tls)
    }

    @Test func insecureSkipVerifyAcceptsAnUntrustedServer() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki, kube: true)
        defer { server.stop() }
        let client = try directClient {
            $0.tls.certificateAuthority = .pem(try pki.data(pki.otherCACertificate))
            $0.tls.insecureSkipVerify = true
        }
        let response = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        #expect(response.status == 200)
    }

    @Test func clientCertificateFromPEMDataSatisfiesMutualTLS() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki, requireClientCertificate: true)
        defer { server.stop() }
        let client = try directClient {
            $0.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
            $0.tls.clientCertificate = .pem(try pki.data(pki.clientCertificate))
            $0.tls.clientKey = .pem(try pki.data(pki.clientKey))
        }
        let echo = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
            .requireSuccess().decoded(Echo.self)
        #expect(echo.client_cn == "stageset-agent")
    }

    @Test func clientCertificateFromFilesSatisfiesMutualTLS() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki, requireClientCertificate: true)
        defer { server.stop() }
        let client = try directClient {
            $0.tls.certificateAuthority = .file(pki.caCertificate.path)
            $0.tls.clientCertificate = .file(pki.clientCertificate.path)
            $0.tls.clientKey = .file(pki.clientKey.path)
        }
        let echo = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
            .requireSuccess().decoded(Echo.self)
        #expect(echo.client_cn == "stageset-agent")
    }

    @Test func missingClientCertificateFailsMutualTLS() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki, requireClientCertificate: true)
        defer { server.stop() }
        let client = try directClient { $0.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate)) }
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        }
        #expect(error?.code == .tls, "\(String(describing: error))")
    }

    @Test func unusableClientKeyIsATLSErrorThatNeverShowsTheKey() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki, requireClientCertificate: true)
        defer { server.stop() }
        let marker = "U0VDUkVULUtFWS1NQVJLRVI"
        let bogusKey = "-----BEGIN PRIVATE KEY-----\n\(marker)=\n-----END PRIVATE KEY-----\n"
        var configuration = HTTPClientConfiguration(proxy: .none)
        configuration.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
        configuration.tls.clientCertificate = .pem(try pki.data(pki.clientCertificate))
        configuration.tls.clientKey = .pem(Data(bogusKey.utf8))
        let client = try HTTPClient(configuration: configuration)
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        }
        #expect(error?.code == .tls, "\(String(describing: error))")
        #expect(error?.description.contains(marker) == false)
        #expect(!configuration.tls.description.contains(marker))
        #expect(!String(describing: configuration.tls.clientKey!).contains(marker))
    }

    @Test func serverNameIsUsedForSNIAndVerificationWhileConnectingToTheURLHost() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki, kube: true)  // certificate valid only for kube.internal
        defer { server.stop() }
        let url = server.url("/echo", scheme: "https")  // https://127.0.0.1:<port>

        let withoutName = try directClient { $0.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate)) }
        let error = await capturedHTTPError { _ = try await withoutName.execute(HTTPRequest(url: url)) }
        #expect(error?.code == .tls)

        let withName = try directClient {
            $0.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
            $0.tls.serverName = "kube.internal"
        }
        let echo = try await withName.execute(HTTPRequest(url: url)).requireSuccess().decoded(Echo.self)
        #expect(echo.sni == "kube.internal")
        #expect(echo.header("Host") == ["127.0.0.1:\(server.port)"])
    }

    @Test func connectionsOverTLSAreReusedAcrossConcurrentRequests() async throws {
        let pki = try TestPKI.shared()
        let server = try httpsServer(pki)
        defer { server.stop() }
        let client = try directClient { $0.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate)) }
        let url = server.url("/echo", scheme: "https")
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { try await client.execute(HTTPRequest(url: url)).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        let stats = try await client.execute(HTTPRequest(url: server.url("/stats", scheme: "https")))
            .decoded(ServerStats.self)
        #expect(stats.connections <= 8)
        #expect(stats.handshake_failures == 0)
    }
}
