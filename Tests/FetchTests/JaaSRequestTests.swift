import StageSpec
import Testing
@testable import Fetch

@Suite struct JaaSRequestTests {
    func request(_ url: String, _ snippet: String, _ arguments: [TopLevelArgument] = []) throws -> JaaSRequest {
        try JaaSRequest(renderer: JsonnetRenderer(url: url, snippet: snippet), arguments: arguments, source: "JsonnetSnippet/a/b")
    }

    @Test func percentEncodesEverythingButUnreservedCharacters() {
        #expect(JaaSRequest.percentEncoded("aZ09-._~") == "aZ09-._~")
        #expect(JaaSRequest.percentEncoded("a b+c&d=e?f#g/h%") == "a%20b%2Bc%26d%3De%3Ff%23g%2Fh%25")
        #expect(JaaSRequest.percentEncoded("é✓") == "%C3%A9%E2%9C%93")
    }

    @Test func buildsThePathAndRepeatsParametersInOrder() throws {
        let built = try request("https://jaas.internal:8443/jsonnet/", "team/app v2", [
            TopLevelArgument(name: "env", values: ["prod"]), TopLevelArgument(name: "zones", values: ["a", "b"]),
            TopLevelArgument(name: "empty", values: [""]),
        ])
        #expect(built.url.absoluteString == "https://jaas.internal:8443/jsonnet/team/app%20v2?env=prod&zones=a&zones=b&empty=")
        #expect(built.displayLocation == "https://jaas.internal:8443/jsonnet/team/app%20v2")
    }

    @Test func keepsCredentialsOfTheRendererURLOutOfMessages() throws {
        let built = try request("http://user:pa55@jaas.internal/jsonnet", "app", [TopLevelArgument(name: "token", values: ["x"])])
        #expect(built.displayLocation == "http://jaas.internal/jsonnet/app")
    }

    @Test func refusesUnusableSnippetNamesAndRendererURLs() {
        for name in ["", "../etc", "a//b", "a/./b", "/abs"] {
            #expect(throws: SourceError.self) { _ = try request("http://jaas.internal/jsonnet", name) }
        }
        #expect(throws: SourceError.self) { _ = try request("http://jaas.internal/jsonnet?x=1", "app") }
        #expect(throws: SourceError.self) { _ = try request("jaas.internal/jsonnet", "app") }
    }

    @Test func scrubsTheTokenAndSecretLookingArguments() {
        let scrubber = SecretScrubber(bearerToken: "tok-123", arguments: [("apiKey", ["k€y value"]), ("replicas", ["3"]), ("region", ["eu-west"])])
        #expect(scrubber.scrub("a tok-123 b k€y value c k%E2%82%ACy%20value d eu-west") == "a <redacted> b <redacted> c <redacted> d eu-west")
    }

    @Test func mapsProblemCodesAndStatuses() {
        func code(_ status: Int, _ body: String) -> SourceError.Code {
            JaaSResponseClassifier.classify(status: status, body: Array(body.utf8), snippet: "s", location: "http://h/jsonnet/s",
                source: "JsonnetSnippet/a/b", scrubber: SecretScrubber(bearerToken: nil, arguments: [])).code
        }
        func problem(_ code: String, _ status: Int) -> String {
            #"{"type":"https://jaas.projects.metio.wtf/errors/\#(code)","title":"t","status":\#(status),"detail":"d","code":"\#(code)"}"#
        }
        #expect(code(404, problem("snippet_not_found", 404)) == .notFound)
        #expect(code(400, problem("evaluation_failed", 400)) == .renderFailed)
        #expect(code(503, problem("evaluation_unavailable", 503)) == .transient)
        #expect(code(504, problem("evaluation_timeout", 504)) == .transient)
        #expect(code(405, problem("method_not_allowed", 405)) == .other)
        #expect(code(401, "") == .authenticationFailed)
        #expect(code(403, "<html>") == .authenticationFailed)
        #expect(code(502, "bad gateway") == .transient)
        #expect(code(418, "") == .other)
    }
}
