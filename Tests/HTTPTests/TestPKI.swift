import Foundation

/// Certificates made at test time with the real `openssl` CLI: a CA, a second (untrusted) CA,
/// a server certificate for 127.0.0.1/::1/localhost, one valid only for kube.internal, and a client
/// certificate. EC P-256 keys keep generation fast.
struct TestPKI: Sendable {
    let directory: URL

    var caCertificate: URL { directory.appendingPathComponent("ca.crt") }
    var otherCACertificate: URL { directory.appendingPathComponent("other-ca.crt") }
    var serverCertificate: URL { directory.appendingPathComponent("server.crt") }
    var serverKey: URL { directory.appendingPathComponent("server.key") }
    var kubeCertificate: URL { directory.appendingPathComponent("kube.crt") }
    var kubeKey: URL { directory.appendingPathComponent("kube.key") }
    var clientCertificate: URL { directory.appendingPathComponent("client.crt") }
    var clientKey: URL { directory.appendingPathComponent("client.key") }

    func data(_ file: URL) throws -> Data { try Data(contentsOf: file) }

    /// One PKI per test process.
    static func shared() throws -> TestPKI { try cached.get() }

    private static let cached: Result<TestPKI, Error> = Result { try TestPKI.generate() }

    private static func generate() throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("http-tests-pki-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        atexit {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("http-tests-pki-\(ProcessInfo.processInfo.processIdentifier)")
            try? FileManager.default.removeItem(at: directory)
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

        for (name, subject) in [("ca", "/CN=stageset http test CA"), ("other-ca", "/CN=untrusted test CA")] {
            try runTool(
                "openssl",
                ["req", "-x509"] + ec + [
                    "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj", subject,
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ], in: directory)
        }

        func issue(_ name: String, subject: String, extensions: String) throws {
            try runTool("openssl", ["req", "-new"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: directory)
            try extensions.write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try runTool(
                "openssl",
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-CAserial", "ca.srl", "-out", "\(name).crt", "-days", "2",
                    "-extfile", "\(name).ext",
                ], in: directory)
        }
        let leaf = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        try issue(
            "server", subject: "/CN=127.0.0.1",
            extensions: leaf + "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n")
        try issue(
            "kube", subject: "/CN=kube.internal",
            extensions: leaf + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:kube.internal\n")
        try issue(
            "client", subject: "/CN=stageset-agent",
            extensions: leaf + "extendedKeyUsage=clientAuth\n")
        return TestPKI(directory: directory)
    }
}
