import Foundation
import HostSecrets
import JSON
import StageSpec
import Testing
import TestSupport
@testable import Fetch

/// Echoes its arguments into a ConfigMap, so a test sees exactly what reached jsonnet.
let echoSnippet = """
    function(name, tags=[], note='', unused='', dbPassword='')
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: name },
        data: {
          tags: if std.isArray(tags) then std.join('|', tags) else tags,
          tagsType: std.type(tags),
          note: note,
        },
      }
    """

/// Runs long enough for any evaluation timeout, with constant memory.
let endlessSnippet = """
    local loop(n) = if n == 0 then 0 else loop(n - 1) tailstrict;
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'never' }, data: { n: std.toString(loop(1000000000)) } }
    """

func snippet(_ url: String, _ name: String = "echo", arguments: [TopLevelArgument] = [], secret: String? = nil,
    timeout: Duration = .seconds(60)) -> JsonnetSnippet
{
    JsonnetSnippet(
        metadata: DocumentMetadata(name: "payments-app", namespace: "payments"),
        spec: JsonnetSnippetSpec(
            renderer: JsonnetRenderer(url: url, snippet: name, secretRef: secret.map(SecretReference.init(name:))),
            topLevelArguments: arguments, timeout: timeout),
        origin: DocumentOrigin(file: "payments.yaml", documentIndex: 1))
}

func jaasSource(_ scratch: ScratchDirectory, maximumBodyBytes: Int = JaaSSource.defaultMaximumBodyBytes) throws -> JaaSSource {
    JaaSSource(
        secrets: HostSecretStore(secretsDirectory: scratch.file("secrets"), credentialsDirectory: nil), clients: try RendererClients(),
        maximumBodyBytes: maximumBodyBytes)
}

@discardableResult
func expectJaaSError(_ code: SourceError.Code, containing fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void) async -> SourceError?
{
    do {
        try await body()
        Issue.record("expected SourceError.\(code), got success", sourceLocation: sourceLocation)
    } catch let error as SourceError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let fragment { #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected SourceError.\(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

func sha256Hex(_ bytes: [UInt8]) throws -> String {
    let output = try runTool("sha256sum", [], input: bytes)
    return String(String(decoding: output, as: UTF8.self).prefix(64))
}

@Suite struct JaaSSourceTests {
    @Test func rendersTheSnippetWithItsTopLevelArgumentsIntoRenderedJSON() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        let note = "héllo wörld ✓ & = ? # / + %20 ; 'quoted' \"double\""
        let artifact = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: [
            TopLevelArgument(name: "name", values: ["payments"]),
            TopLevelArgument(name: "tags", values: ["a", "b+c", "ü d"]),
            TopLevelArgument(name: "note", values: [note]),
        ]))
        #expect(artifact.source == "JsonnetSnippet/payments/payments-app")
        #expect(artifact.files.paths == ["rendered.json"])
        let body = try #require(artifact.files["rendered.json"])
        let rendered = try JSONParser.parse(body)
        #expect(rendered["metadata"]?["name"] == "payments")
        #expect(rendered["data"]?["note"] == .string(note))
        #expect(rendered["data"]?["tagsType"] == "array")
        #expect(rendered["data"]?["tags"] == "a|b+c|ü d")
        #expect(artifact.revision == "sha256:" + (try sha256Hex(body)))
        // A repeated name travels as a repeated parameter, everything percent-encoded.
        let request = try #require(renderer.requests().last)
        #expect(request.hasPrefix("/jsonnet/echo?name=payments&tags=a&tags=b%2Bc&tags=%C3%BC%20d&note=h%C3%A9llo%20w"))
    }

    @Test func aSingleValueBindsAsAStringAndAnEmptyValueAsTheEmptyString() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        let artifact = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: [
            TopLevelArgument(name: "name", values: ["one"]), TopLevelArgument(name: "tags", values: ["solo"]),
            TopLevelArgument(name: "note", values: [""]),
        ]))
        let rendered = try JSONParser.parse(try #require(artifact.files["rendered.json"]))
        #expect(rendered["data"]?["tagsType"] == "string")
        #expect(rendered["data"]?["tags"] == "solo")
        #expect(rendered["data"]?["note"] == "")
    }

    @Test func theRevisionChangesOnlyWhenTheBodyChanges() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        let source = try jaasSource(scratch)
        func render(_ name: String, unused: String = "") async throws -> String {
            try await source.fetch(snippet(renderer.url, arguments: [
                TopLevelArgument(name: "name", values: [name]), TopLevelArgument(name: "unused", values: [unused]),
            ])).revision
        }
        let first = try await render("a")
        #expect(try await render("a") == first)
        #expect(try await render("a", unused: "ignored by the snippet") == first)
        let other = try await render("b")
        #expect(other != first)
        #expect(other.hasPrefix("sha256:") && other.count == 7 + 64)
    }

    @Test func aMissingSnippetIsNotFound() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        let error = await expectJaaSError(.notFound, containing: "snippet_not_found") {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, "nothing/here"))
        }
        #expect(error?.message.contains("\"nothing/here\"") == true)
        // A wrong endpoint path answers a plain 404, not a JaaS problem: still ArtifactNotFound.
        await expectJaaSError(.notFound, containing: "check spec.renderer.url") {
            _ = try await jaasSource(scratch).fetch(snippet("http://127.0.0.1:\(renderer.port)/wrong", "echo"))
        }
    }

    @Test func anEvaluationErrorIsARenderFailureNotATransientOne() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["broken": "{ a: error 'the diagnostic stays in the renderer log' }"])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        let error = await expectJaaSError(.renderFailed, containing: "evaluation failed (evaluation_failed, HTTP 400)") {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, "broken"))
        }
        #expect(error?.message.contains("the diagnostic stays") == false)
    }

    @Test func aFullRendererIsTransient() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet], arguments: ["--max-concurrent-evals", "0"])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        await expectJaaSError(.transient, containing: "evaluation_unavailable, HTTP 503") {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: [TopLevelArgument(name: "name", values: ["a"])]))
        }
    }

    @Test func anEvaluationTimeoutIsTransient() async throws {
        let renderer = try JaaSRendererPeer(snippets: ["endless": endlessSnippet], arguments: ["--evaluation-timeout", "0.5"])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        await expectJaaSError(.transient, containing: "evaluation_timeout, HTTP 504") {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, "endless"))
        }
    }

    @Test func aRefusedConnectionIsUnreachable() async throws {
        let port = try Network.freePort()
        let scratch = try ScratchDirectory()
        await expectJaaSError(.unreachable, containing: "127.0.0.1:\(port)") {
            _ = try await jaasSource(scratch).fetch(snippet("http://127.0.0.1:\(port)/jsonnet"))
        }
    }

    @Test func aBodyOverTheCapIsTooLarge() async throws {
        let renderer = try JaaSRendererPeer(snippets: [
            "big": "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: std.join('', std.makeArray(8192, function(i) 'x')) } }"
        ])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        await expectJaaSError(.tooLarge, containing: "4096-byte limit") {
            _ = try await jaasSource(scratch, maximumBodyBytes: 4096).fetch(snippet(renderer.url, "big"))
        }
        let artifact = try await jaasSource(scratch, maximumBodyBytes: 64 << 10).fetch(snippet(renderer.url, "big"))
        #expect((artifact.files["rendered.json"]?.count ?? 0) > 8192)
    }

    @Test func sendsTheBearerTokenAndNeverPutsItIntoErrors() async throws {
        let token = "jaas-b3arer-t0ken-value"
        let secretArgument = "tla-s3cret-password-value"
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet, "broken": "error 'x'"], arguments: ["--bearer-token", token])
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        try scratch.write("secrets/jaas-token/bearerToken", token + "\n", mode: 0o600)
        try scratch.write("secrets/wrong-token/bearerToken", "not-the-" + token, mode: 0o600)
        let arguments = [TopLevelArgument(name: "name", values: ["a"]), TopLevelArgument(name: "dbPassword", values: [secretArgument])]
        let artifact = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: arguments, secret: "jaas-token"))
        #expect(artifact.files["rendered.json"] != nil)

        var errors: [SourceError] = []
        errors += [await expectJaaSError(.authenticationFailed, containing: "bearerToken") {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: arguments, secret: "wrong-token"))
        }].compactMap { $0 }
        errors += [await expectJaaSError(.authenticationFailed) {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: arguments))
        }].compactMap { $0 }
        errors += [await expectJaaSError(.renderFailed) {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, "broken", arguments: arguments, secret: "jaas-token"))
        }].compactMap { $0 }
        errors += [await expectJaaSError(.notFound) {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, "missing", arguments: arguments, secret: "jaas-token"))
        }].compactMap { $0 }
        let port = try Network.freePort()
        errors += [await expectJaaSError(.unreachable) {
            _ = try await jaasSource(scratch).fetch(snippet("http://127.0.0.1:\(port)/jsonnet", arguments: arguments, secret: "jaas-token"))
        }].compactMap { $0 }
        #expect(errors.count == 5)
        for error in errors {
            #expect(!error.description.contains(token))
            #expect(!error.description.contains(secretArgument))
        }
    }

    @Test func aMissingSecretIsAnAuthenticationFailure() async throws {
        let scratch = try ScratchDirectory()
        await expectJaaSError(.authenticationFailed, containing: "Secret \"absent\" not found") {
            _ = try await jaasSource(scratch).fetch(snippet("http://127.0.0.1:1/jsonnet", secret: "absent"))
        }
    }

    @Test func trustsTheRendererThroughTheSecretsCACertificate() async throws {
        let certificates = try RendererCertificates()
        let renderer = try JaaSRendererPeer(snippets: ["echo": echoSnippet], tls: certificates)
        defer { renderer.stop() }
        let scratch = try ScratchDirectory()
        try scratch.write("secrets/jaas-tls/ca.crt", try certificates.scratch.read("ca.crt"), mode: 0o600)
        let arguments = [TopLevelArgument(name: "name", values: ["tls"])]
        let artifact = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: arguments, secret: "jaas-tls"))
        #expect(try JSONParser.parse(try #require(artifact.files["rendered.json"]))["metadata"]?["name"] == "tls")
        // Without the CA, the system roots do not trust the renderer.
        await expectJaaSError(.unreachable, containing: "TLS") {
            _ = try await jaasSource(scratch).fetch(snippet(renderer.url, arguments: arguments))
        }
    }
}
