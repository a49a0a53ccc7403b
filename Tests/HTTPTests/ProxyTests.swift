import Foundation
import Testing

@testable import HTTP

@Suite("Proxies: explicit URL, environment, NO_PROXY, SOCKS5, https proxy")
struct ProxyTests {
    private func proxyURL(_ proxy: PythonPeer, scheme: String = "http") -> URL {
        URL(string: "\(scheme)://127.0.0.1:\(proxy.port)")!
    }

    @Test func explicitProxyForwardsPlainHTTP() async throws {
        let server = try PythonPeer("http_server.py")
        let proxy = try PythonPeer("proxy_server.py")
        defer { server.stop(); proxy.stop() }
        let client = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .url(proxyURL(proxy))))
        let echo = try await client.execute(HTTPRequest(url: server.url("/echo?x=1"))).requireSuccess().decoded(Echo.self)
        #expect(echo.query == "x=1")
        let stats = try await proxyStats(proxy)
        #expect(stats.forwarded == 1)
        #expect(stats.targets == ["127.0.0.1:\(server.port)"])
    }

    @Test func explicitProxyTunnelsHTTPSAndKeepsTheServerName() async throws {
        let pki = try TestPKI.shared()
        let server = try PythonPeer("http_server.py", ["--cert", pki.kubeCertificate.path, "--key", pki.kubeKey.path])
        let proxy = try PythonPeer("proxy_server.py")
        defer { server.stop(); proxy.stop() }
        var configuration = HTTPClientConfiguration(proxy: .url(proxyURL(proxy)))
        configuration.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
        configuration.tls.serverName = "kube.internal"
        let client = try HTTPClient(configuration: configuration)
        let echo = try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
            .requireSuccess().decoded(Echo.self)
        #expect(echo.sni == "kube.internal")
        let stats = try await proxyStats(proxy)
        #expect(stats.tunnels == 1)
        // Like Go: the tunnel goes to the URL's host; only TLS uses the server name.
        #expect(stats.targets == ["127.0.0.1:\(server.port)"])
    }

    @Test func environmentHTTPSProxyIsUsedForHTTPSURLs() async throws {
        let pki = try TestPKI.shared()
        let server = try PythonPeer("http_server.py", ["--cert", pki.kubeCertificate.path, "--key", pki.kubeKey.path])
        let proxy = try PythonPeer("proxy_server.py", ["--map", "kube.internal=127.0.0.1"])
        defer { server.stop(); proxy.stop() }
        var configuration = HTTPClientConfiguration(
            proxy: .environment(["HTTPS_PROXY": "127.0.0.1:\(proxy.port)", "NO_PROXY": "example.test"]))
        configuration.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
        let client = try HTTPClient(configuration: configuration)
        // kube.internal is resolved only by the proxy (which maps it to 127.0.0.1).
        let url = server.url("/echo", scheme: "https", host: "kube.internal")
        let echo = try await client.execute(HTTPRequest(url: url)).requireSuccess().decoded(Echo.self)
        #expect(echo.sni == "kube.internal")
        let stats = try await proxyStats(proxy)
        #expect(stats.tunnels == 1)
        #expect(stats.targets == ["kube.internal:\(server.port)"])
    }

    @Test func lowercaseEnvironmentVariablesAreHonoured() async throws {
        let server = try PythonPeer("http_server.py")
        let proxy = try PythonPeer("proxy_server.py", ["--map", "backend.invalid=127.0.0.1"])
        defer { server.stop(); proxy.stop() }
        let client = try HTTPClient(
            configuration: HTTPClientConfiguration(proxy: .environment(["http_proxy": "http://127.0.0.1:\(proxy.port)"])))
        let response = try await client.execute(HTTPRequest(url: server.url("/echo", host: "backend.invalid")))
        #expect(response.status == 200)
        #expect(try await proxyStats(proxy).forwarded == 1)
    }

    @Test func noProxyMatchSendsTheRequestDirectly() async throws {
        let server = try PythonPeer("http_server.py")
        let proxy = try PythonPeer("proxy_server.py", ["--map", "backend.invalid=127.0.0.1"])
        defer { server.stop(); proxy.stop() }
        let url = server.url("/echo", host: "backend.invalid")
        let environment = ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"]

        let proxied = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .environment(environment)))
        #expect(try await proxied.execute(HTTPRequest(url: url)).status == 200)
        #expect(try await proxyStats(proxy).forwarded == 1)

        var bypassing = environment
        bypassing["NO_PROXY"] = "example.test, .invalid"
        let direct = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .environment(bypassing)))
        // Sent directly, the .invalid name cannot resolve: proof the proxy was bypassed.
        let error = await capturedHTTPError { _ = try await direct.execute(HTTPRequest(url: url)) }
        #expect(error?.code == .dns)
        #expect(try await proxyStats(proxy).forwarded == 1)
    }

    @Test func loopbackIsNeverProxiedFromTheEnvironment() async throws {
        let server = try PythonPeer("http_server.py")
        let proxy = try PythonPeer("proxy_server.py")
        defer { server.stop(); proxy.stop() }
        let client = try HTTPClient(
            configuration: HTTPClientConfiguration(proxy: .environment(["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"])))
        #expect(try await client.execute(HTTPRequest(url: server.url("/echo"))).status == 200)
        let stats = try await proxyStats(proxy)
        #expect(stats.forwarded == 0 && stats.tunnels == 0)
    }

    @Test func socks5ProxyResolvesNamesRemotely() async throws {
        let pki = try TestPKI.shared()
        let server = try PythonPeer("http_server.py", ["--cert", pki.kubeCertificate.path, "--key", pki.kubeKey.path])
        let proxy = try PythonPeer("proxy_server.py", ["--map", "kube.internal=127.0.0.1"])
        defer { server.stop(); proxy.stop() }
        var configuration = HTTPClientConfiguration(proxy: .url(proxyURL(proxy, scheme: "socks5")))
        configuration.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
        let client = try HTTPClient(configuration: configuration)
        let url = server.url("/echo", scheme: "https", host: "kube.internal")
        #expect(try await client.execute(HTTPRequest(url: url)).status == 200)
        let stats = try await proxyStats(proxy)
        #expect(stats.socks == 1)
        #expect(stats.targets == ["kube.internal:\(server.port)"])
    }

    @Test func httpsProxyIsVerifiedWithTheConfiguredCA() async throws {
        let pki = try TestPKI.shared()
        let server = try PythonPeer("http_server.py", ["--cert", pki.serverCertificate.path, "--key", pki.serverKey.path])
        let proxy = try PythonPeer(
            "proxy_server.py", ["--cert", pki.serverCertificate.path, "--key", pki.serverKey.path])
        defer { server.stop(); proxy.stop() }
        var configuration = HTTPClientConfiguration(proxy: .url(proxyURL(proxy, scheme: "https")))
        configuration.tls.certificateAuthority = .pem(try pki.data(pki.caCertificate))
        let client = try HTTPClient(configuration: configuration)
        #expect(try await client.execute(HTTPRequest(url: server.url("/echo", scheme: "https"))).status == 200)

        var untrusting = configuration
        untrusting.tls.certificateAuthority = .pem(try pki.data(pki.otherCACertificate))
        let failing = try HTTPClient(configuration: untrusting)
        let error = await capturedHTTPError {
            _ = try await failing.execute(HTTPRequest(url: server.url("/echo", scheme: "https")))
        }
        #expect(error != nil)
    }

    @Test func unreachableProxyIsAProxyError() async throws {
        let port = try closedLocalPort()
        let client = try HTTPClient(
            configuration: HTTPClientConfiguration(proxy: .url(URL(string: "http://user:pw@127.0.0.1:\(port)")!)))
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: URL(string: "http://127.0.0.1:9/echo")!))
        }
        #expect(error?.code == .proxy)
        #expect(error?.description.contains("pw") == false)
        #expect(error?.message.contains("http://127.0.0.1:\(port)") == true)
    }

    @Test func proxyRefusingTheTunnelIsAProxyError() async throws {
        let proxy = try PythonPeer("proxy_server.py")  // relays only to loopback
        defer { proxy.stop() }
        let client = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .url(proxyURL(proxy))))
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: URL(string: "https://forbidden.invalid:443/")!))
        }
        #expect(error?.code == .proxy, "\(String(describing: error))")
    }

    @Test func unsupportedProxySchemeIsRejectedAtClientCreation() {
        #expect(throws: HTTPError.self) {
            _ = try HTTPClient(configuration: HTTPClientConfiguration(proxy: .url(URL(string: "ftp://127.0.0.1:21")!)))
        }
    }
}

@Suite("Proxy selection rules (Go net/http semantics)")
struct ProxySelectorTests {
    private func proxy(_ environment: [String: String], _ url: String) throws -> String? {
        try ProxySelector(.environment(environment)).proxy(for: Endpoint(url: URL(string: url)!)!)?.curlURL
    }

    @Test func schemeSelectsTheVariableAndUppercaseWins() throws {
        let environment = [
            "HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:1", "http_proxy": "http://plain:2",
        ]
        #expect(try proxy(environment, "https://api.example.test/") == "http://upper:1")
        #expect(try proxy(environment, "http://api.example.test/") == "http://plain:2")
        #expect(try proxy(["HTTP_PROXY": "http://p:3"], "https://api.example.test/") == nil)
    }

    @Test func httpProxyIsIgnoredUnderCGI() throws {
        #expect(try proxy(["HTTP_PROXY": "http://p:3", "REQUEST_METHOD": "GET"], "http://a.example.test/") == nil)
    }

    @Test func bareHostPortMeansHTTPAndSocks5ResolvesRemotely() throws {
        #expect(try proxy(["HTTPS_PROXY": "proxy.example.test:3128"], "https://a.example.test/") == "http://proxy.example.test:3128")
        #expect(try proxy(["HTTPS_PROXY": "socks5://s.example.test:1080"], "https://a.example.test/") == "socks5h://s.example.test:1080")
    }

    @Test func noProxyRules() throws {
        func bypassed(_ noProxy: String, _ url: String) throws -> Bool {
            try proxy(["HTTPS_PROXY": "http://p:1", "NO_PROXY": noProxy], url) == nil
        }
        #expect(try bypassed("*", "https://anything.test/"))
        #expect(try bypassed("example.test", "https://example.test/"))
        #expect(try bypassed("example.test", "https://api.example.test/"))
        #expect(try !bypassed("example.test", "https://badexample.test/"))
        #expect(try !bypassed(".example.test", "https://example.test/"))
        #expect(try bypassed(".example.test", "https://api.example.test/"))
        #expect(try bypassed("*.example.test", "https://api.example.test/"))
        #expect(try bypassed("10.0.0.0/8", "https://10.20.30.40:6443/"))
        #expect(try !bypassed("10.0.0.0/8", "https://11.0.0.1:6443/"))
        #expect(try bypassed("192.168.1.5", "https://192.168.1.5/"))
        #expect(try bypassed("fd00::/8", "https://[fd00::1]:6443/"))
        #expect(try bypassed("api.example.test:6443", "https://api.example.test:6443/"))
        #expect(try !bypassed("api.example.test:6443", "https://api.example.test:443/"))
        #expect(try bypassed(" other.test , API.Example.Test ", "https://api.example.test/"))
    }

    @Test func loopbackAndLocalhostAreNeverProxied() throws {
        let environment = ["HTTPS_PROXY": "http://p:1"]
        #expect(try proxy(environment, "https://127.0.0.1:6443/") == nil)
        #expect(try proxy(environment, "https://127.8.9.10/") == nil)
        #expect(try proxy(environment, "https://[::1]:6443/") == nil)
        #expect(try proxy(environment, "https://localhost:6443/") == nil)
    }

    @Test func noneNeverSelectsAProxy() throws {
        let selector = try ProxySelector(.none)
        #expect(selector.proxy(for: Endpoint(url: URL(string: "https://api.example.test/")!)!) == nil)
    }

    @Test func explicitProxyIgnoresNoProxyAndRedactsCredentials() throws {
        let selector = try ProxySelector(.url(URL(string: "http://user:secret@proxy.example.test:3128")!))
        let resolved = selector.proxy(for: Endpoint(url: URL(string: "https://127.0.0.1/")!)!)
        #expect(resolved?.curlURL == "http://user:secret@proxy.example.test:3128")
        #expect(resolved?.redacted == "http://proxy.example.test:3128")
    }
}
