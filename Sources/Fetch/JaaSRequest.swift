#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StageSpec

/// The GET request for one JsonnetSnippet: `<renderer.url>/<snippet>?<tla>=<value>…`, every path
/// segment and query component percent-encoded (RFC 3986 unreserved characters stay as they are),
/// a TLA with several values sent as a repeated parameter (JaaS binds it as a JSON array).
struct JaaSRequest: Sendable {
    var url: URL
    /// `scheme://host[:port]/path` without user info or query, for messages.
    var displayLocation: String

    init(renderer: JsonnetRenderer, arguments: [TopLevelArgument], source: String) throws(SourceError) {
        var base = renderer.url
        guard let schemeEnd = base.firstRange(of: "://") else {
            throw SourceError(code: .other, source: source, message: "spec.renderer.url must be an http:// or https:// URL")
        }
        if base.contains("?") || base.contains("#") {
            throw SourceError(code: .other, source: source,
                message: "spec.renderer.url must not carry a query or fragment: top-level arguments go in spec.tlas")
        }
        while base.hasSuffix("/") { base.removeLast() }
        let segments = renderer.snippet.split(separator: "/", omittingEmptySubsequences: false)
        if renderer.snippet.isEmpty || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw SourceError(code: .other, source: source,
                message: "invalid snippet name \"\(renderer.snippet)\": it is a path of non-empty segments without . or ..")
        }
        let path = segments.map { Self.percentEncoded(String($0)) }.joined(separator: "/")
        var query: [String] = []
        for argument in arguments {
            for value in argument.values {
                query.append(Self.percentEncoded(argument.name) + "=" + Self.percentEncoded(value))
            }
        }
        let text = base + "/" + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        guard let url = URL(string: text), url.host != nil else {
            throw SourceError(code: .other, source: source, message: "spec.renderer.url does not form a valid URL")
        }
        self.url = url

        var authority = base[schemeEnd.upperBound...]
        let pathStart = authority.firstIndex(of: "/") ?? authority.endIndex
        let rest = authority[pathStart...]
        authority = authority[..<pathStart]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        displayLocation = base[..<schemeEnd.upperBound] + authority + rest + "/" + path
    }

    /// Percent-encodes everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`,
    /// byte by byte in UTF-8, so `+`, `&`, `=`, spaces and non-ASCII text arrive unchanged.
    static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
