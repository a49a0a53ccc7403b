#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CryptoPrimitives
import HTTP
import HostSecrets
import StageSpec

/// Renders JsonnetSnippet sources by calling a JaaS stateless HTTP renderer:
/// `GET <spec.renderer.url>/<snippet>?<tla>=<value>…`. JaaS sends no ETag, so the revision is
/// `sha256:<hex>` of the body, and the body becomes the artifact's single file `rendered.json`,
/// which SOPS decryption and the build then treat like any other source file.
public struct JaaSSource: Sendable {
    /// The artifact's only file, named as in the JaaS operator's `spec.output: rendered` tarball.
    public static let renderedFileName = "rendered.json"
    public static let defaultMaximumBodyBytes = 64 << 20

    public var secrets: HostSecretStore
    public var clients: RendererClients
    public var maximumBodyBytes: Int

    public init(secrets: HostSecretStore, clients: RendererClients, maximumBodyBytes: Int = JaaSSource.defaultMaximumBodyBytes) {
        self.secrets = secrets
        self.clients = clients
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Renders the snippet with its top-level arguments, within its `spec.timeout`.
    public func fetch(_ snippet: JsonnetSnippet) async throws(SourceError) -> SourceArtifact {
        let source = Self.describe(snippet)
        let renderer = snippet.spec.renderer
        var bearerToken: String?
        var certificateAuthority: [UInt8]?
        if let reference = renderer.secretRef {
            let secret: HostSecret
            do {
                secret = try secrets.secret(named: reference.name)
            } catch {
                throw SourceError(code: .authenticationFailed, source: source, message: error.message)
            }
            bearerToken = secret.text("bearerToken").flatMap { $0.isEmpty ? nil : $0 }
            certificateAuthority = secret["ca.crt"]
        }
        let scrubber = SecretScrubber(bearerToken: bearerToken, arguments: snippet.spec.topLevelArguments.map { ($0.name, $0.values) })
        let target = try JaaSRequest(renderer: renderer, arguments: snippet.spec.topLevelArguments, source: source)

        var request = HTTPRequest(method: .get, url: target.url)
        request.headers.add(name: "Accept", value: "application/json, application/problem+json")
        if let bearerToken { request.headers.setBearerToken(bearerToken) }
        request.totalTimeout = .after(snippet.spec.timeout)
        request.connectTimeout = .after(min(snippet.spec.timeout, .seconds(10)))
        request.maxResponseBodyBytes = maximumBodyBytes

        let response: HTTPResponse
        do {
            let client = try clients.client(certificateAuthority: certificateAuthority)
            response = try await client.execute(request)
        } catch {
            throw JaaSResponseClassifier.classify(
                error, location: target.displayLocation, source: source, scrubber: scrubber, bodyLimit: maximumBodyBytes)
        }
        let body = [UInt8](response.body)
        guard response.isSuccess else {
            throw JaaSResponseClassifier.classify(
                status: response.status, body: body, snippet: renderer.snippet, location: target.displayLocation, source: source,
                scrubber: scrubber)
        }
        let digest: [UInt8]
        do {
            digest = try Hash.compute(.sha256, body)
        } catch {
            throw SourceError(code: .other, source: source, message: "cannot compute the revision: \(error)")
        }
        return SourceArtifact(
            source: source, revision: Self.revision(digest: digest), files: FileMap([Self.renderedFileName: body]))
    }

    /// `JsonnetSnippet/<namespace>/<name>`.
    public static func describe(_ snippet: JsonnetSnippet) -> String {
        "JsonnetSnippet/\(snippet.metadata.namespace)/\(snippet.metadata.name)"
    }

    static func revision(digest: [UInt8]) -> String {
        let hexDigits = Array("0123456789abcdef")
        var text = "sha256:"
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return text
    }
}
