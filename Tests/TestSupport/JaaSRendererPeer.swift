import Foundation

/// The JaaS-compatible test renderer (`Servers/jaas_renderer.py`, evaluating with the real
/// `jsonnet` CLI) serving snippets from a scratch directory, plus certificates made with the real
/// `openssl` CLI for its HTTPS mode.
public final class JaaSRendererPeer: @unchecked Sendable {
    public let scratch: ScratchDirectory
    let peer: LinePeer
    public let scheme: String

    public var port: Int { peer.port }
    public var url: String { "\(scheme)://127.0.0.1:\(port)/jsonnet" }
    public var requestLog: String { scratch.file("requests.log") }

    /// Snippets: name → main.jsonnet text.
    public init(snippets: [String: String], arguments: [String] = [], tls: RendererCertificates? = nil) throws {
        _ = try Shell.locate("jsonnet")
        scratch = try ScratchDirectory("jaas")
        for (name, text) in snippets {
            try scratch.write("snippets/\(name)/main.jsonnet", text)
        }
        var options = ["--snippet-directory", scratch.file("snippets"), "--request-log", scratch.file("requests.log")] + arguments
        if let tls {
            options += ["--tls-cert", tls.serverCertificate, "--tls-key", tls.serverKey]
        }
        scheme = tls == nil ? "http" : "https"
        peer = try LinePeer("python3", [PackagePaths.root + "/Tests/FetchTests/Servers/jaas_renderer.py"] + options)
    }

    /// The request lines (path and query) the renderer received, in order.
    public func requests() -> [String] {
        ((try? String(contentsOfFile: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    public func stop() { peer.stop() }
}

/// A CA and a server certificate for 127.0.0.1, made with `openssl`; EC P-256 keeps it fast.
public struct RendererCertificates {
    public let scratch: ScratchDirectory

    public var caCertificate: String { scratch.file("ca.crt") }
    public var serverCertificate: String { scratch.file("server.crt") }
    public var serverKey: String { scratch.file("server.key") }

    public init() throws {
        scratch = try ScratchDirectory("jaas-pki")
        let directory = scratch.url
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try runTool("openssl", ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=jaas test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], workingDirectory: directory)
        try runTool("openssl", ["req", "-new"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            workingDirectory: directory)
        try scratch.write("server.ext", "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n")
        try runTool("openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "server.ext"], workingDirectory: directory)
    }
}
