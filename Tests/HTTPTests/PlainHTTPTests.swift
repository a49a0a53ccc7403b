import Foundation
import Testing

@testable import HTTP

@Suite("Plain HTTP against the Python server")
struct PlainHTTPTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let response = try await client.execute(HTTPRequest(url: server.url("/echo?limit=5")))
        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers.values(for: "X-MULTI") == ["one", "two"])
        let echo = try response.decoded(Echo.self)
        #expect(echo.method == "GET")
        #expect(echo.path == "/echo")
        #expect(echo.query == "limit=5")
        #expect(echo.header("Expect").isEmpty)
    }

    @Test(arguments: [HTTPMethod.post, .put, .patch, .delete])
    func methodsSendTheirBodies(method: HTTPMethod) async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let document = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"demo"}}"#
        var request = HTTPRequest(method: method, url: server.url("/echo"), body: Data(document.utf8))
        request.headers.add(name: "Content-Type", value: "application/apply-patch+yaml")
        let echo = try await client.execute(request).requireSuccess().decoded(Echo.self)
        #expect(echo.method == method.rawValue)
        #expect(echo.body == document)
        #expect(echo.header("Content-Type") == ["application/apply-patch+yaml"])
        #expect(echo.header("Content-Length") == ["\(document.utf8.count)"])
    }

    @Test func bodyWithoutContentTypeGetsNoFormEncodingDefault() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let echo = try await client.execute(HTTPRequest(method: .post, url: server.url("/echo"), body: Data("raw".utf8)))
            .decoded(Echo.self)
        #expect(echo.body == "raw")
        #expect(echo.header("Content-Type").isEmpty)
    }

    @Test func largeRequestBodyIsSentCompletely() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let text = String(repeating: "0123456789abcdef", count: 256 * 1024)  // 4 MiB
        let echo = try await client.execute(HTTPRequest(method: .put, url: server.url("/echo"), body: Data(text.utf8)))
            .requireSuccess().decoded(Echo.self)
        #expect(echo.body.count == text.utf8.count)
        #expect(echo.body == text)
    }

    @Test func headReturnsHeadersWithoutBody() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let response = try await client.execute(HTTPRequest(method: .head, url: server.url("/bytes?n=1000")))
        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == "1000")
        #expect(response.body.isEmpty)

        var capped = HTTPRequest(method: .head, url: server.url("/bytes?n=\(4 << 20)"))
        capped.maxResponseBodyBytes = 1 << 20
        #expect(try await client.execute(capped).headers["Content-Length"] == "\(4 << 20)")
    }

    @Test func defaultHeadersBearerTokenAndUserAgentAreSent() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient {
            $0.defaultHeaders = ["X-Default": "from-client", "Accept": "application/json"]
            $0.userAgent = "stageset-agent/test"
        }
        var request = HTTPRequest(url: server.url("/echo"))
        request.headers.setBearerToken("token-123")
        request.headers.add(name: "Accept", value: "application/yaml")
        request.headers.add(name: "X-Empty", value: "")
        let echo = try await client.execute(request).decoded(Echo.self)
        #expect(echo.header("Authorization") == ["Bearer token-123"])
        #expect(echo.header("X-Default") == ["from-client"])
        #expect(echo.header("Accept") == ["application/yaml"])
        #expect(echo.header("User-Agent") == ["stageset-agent/test"])
        #expect(echo.header("X-Empty") == [""])
    }

    @Test func basicAuthorizationIsEncoded() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        var request = HTTPRequest(url: server.url("/echo"))
        request.headers.setBasicAuthorization(username: "admin", password: "s3cret")
        let echo = try await client.execute(request).decoded(Echo.self)
        #expect(echo.header("Authorization") == ["Basic YWRtaW46czNjcmV0"])
    }

    @Test func headerWithLineBreakIsRejectedBeforeSending() async throws {
        let client = try directClient()
        var request = HTTPRequest(url: URL(string: "http://127.0.0.1:1/echo")!)
        request.headers.add(name: "X-Injected", value: "a\r\nEvil: yes")
        let error = await capturedHTTPError { _ = try await client.execute(request) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains("Evil") == false)
    }

    @Test func unsupportedSchemeIsAnInvalidURL() async throws {
        let client = try directClient()
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: URL(string: "ftp://127.0.0.1/file")!))
        }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.hasPrefix("ftp://127.0.0.1 ") == true)
    }

    @Test func nonSuccessStatusIsReturnedAndRequireSuccessThrowsAnExcerpt() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let longBody = String(repeating: "x", count: 2000)
        let response = try await client.execute(HTTPRequest(url: server.url("/status?code=404&body=\(longBody)")))
        #expect(response.status == 404)
        #expect(response.body.count == 2000)
        let error = await capturedHTTPError { try response.requireSuccess() }
        #expect(error?.code == .status)
        #expect(error?.statusCode == 404)
        #expect(error?.bodyExcerpt?.utf8.count == 512)
        #expect(error?.message.contains("http://127.0.0.1:\(server.port)") == true)
    }

    @Test func compressedResponsesAreDecoded() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let expected = String(repeating: "compressed hello ", count: 100)
        let decoding = try directClient()
        let decoded = try await decoding.execute(HTTPRequest(url: server.url("/gzip")))
        #expect(decoded.headers["Content-Encoding"] == "gzip")
        #expect(String(decoding: decoded.body, as: UTF8.self) == expected)

        let plain = try directClient { $0.acceptsCompressedResponses = false }
        let uncompressed = try await plain.execute(HTTPRequest(url: server.url("/gzip")))
        #expect(uncompressed.headers["Content-Encoding"] == nil)
        #expect(String(decoding: uncompressed.body, as: UTF8.self) == expected)
    }

    @Test func redirectsAreReturnedUnlessFollowingIsEnabled() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let notFollowing = try directClient()
        let redirect = try await notFollowing.execute(HTTPRequest(url: server.url("/redirect?to=/echo")))
        #expect(redirect.status == 302)
        #expect(redirect.headers["Location"] == "/echo")

        let following = try directClient { $0.redirects = .follow(maximum: 3) }
        let followed = try await following.execute(HTTPRequest(url: server.url("/redirect?to=/echo")))
        #expect(followed.status == 200)
        #expect(try followed.decoded(Echo.self).path == "/echo")
        #expect(followed.headers["Location"] == nil)
    }
}

@Suite("Header list semantics")
struct HTTPHeadersTests {
    @Test func lookupIsCaseInsensitiveAndKeepsEveryValue() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "Content-Type": "text/plain"]
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        headers.replaceOrAdd(name: "SET-COOKIE", value: "c=3")
        #expect(headers.values(for: "set-cookie") == ["c=3"])
        headers.remove("Content-Type")
        #expect(!headers.contains("content-type"))
    }

    @Test func descriptionRedactsCredentials() {
        var headers = HTTPHeaders()
        headers.setBearerToken("very-secret-token")
        headers.add(name: "Accept", value: "application/json")
        #expect(!headers.description.contains("very-secret-token"))
        #expect(headers.description.contains("Accept: application/json"))
    }

    @Test func wireLinesWithFoldingAreJoined() {
        var headers = HTTPHeaders()
        headers.appendWireLine("X-Long: first")
        headers.appendWireLine("  second")
        headers.appendWireLine("Plain:value  ")
        #expect(headers["x-long"] == "first second")
        #expect(headers["plain"] == "value")
    }

    @Test func requestDescriptionOmitsQueryAndHeaders() {
        var request = HTTPRequest(url: URL(string: "https://user:pw@example.test:6443/api/v1/secrets?token=abc")!)
        request.headers.setBearerToken("abc")
        #expect(request.description == "GET https://example.test:6443/api/v1/secrets")
    }
}
