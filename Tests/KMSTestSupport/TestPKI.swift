import Foundation
import TestSupport

/// Certificates and keys made with the real `openssl` CLI, once per test process: a CA and an EC
/// server certificate for 127.0.0.1, localhost, vault.localhost and *.vault.localhost (the stand-ins'
/// HTTPS side); an untrusted second CA; an RSA client certificate (Azure certificate credentials);
/// an RSA key pair (a GCP service account).
public struct TestPKI: Sendable {
    public let directory: String

    public var caCertificate: String { directory + "/ca.crt" }
    public var otherCACertificate: String { directory + "/other-ca.crt" }
    public var serverCertificate: String { directory + "/server.crt" }
    public var serverKey: String { directory + "/server.key" }
    /// Certificate followed by its private key (PKCS#8), the layout AZURE_CLIENT_CERTIFICATE_PATH takes.
    public var clientCertificateAndKey: String { directory + "/client.pem" }
    public var clientCertificate: String { directory + "/client.crt" }
    public var serviceAccountKey: String { directory + "/service-account.key" }
    public var serviceAccountPublicKey: String { directory + "/service-account.pub" }

    public func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    public static func shared() throws -> TestPKI { try cached.get() }

    private static let cached: Result<TestPKI, Error> = Result { try TestPKI.generate() }

    private static func generate() throws -> TestPKI {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kms-tests-pki-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("kms-tests-pki-\(ProcessInfo.processInfo.processIdentifier)").path
            try? FileManager.default.removeItem(atPath: path)
        }
        let directory = URL(fileURLWithPath: path)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, subject) in [("ca", "/CN=stageset kms test CA"), ("other-ca", "/CN=untrusted test CA")] {
            try runTool("openssl", ["req", "-x509"] + ec + [
                "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], workingDirectory: directory)
        }
        try runTool("openssl", ["req", "-new"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            workingDirectory: directory)
        try Data(("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
            + "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:vault.localhost,DNS:*.vault.localhost\n").utf8)
            .write(to: directory.appendingPathComponent("server.ext"))
        try runTool("openssl", [
            "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-CAserial", "ca.srl",
            "-out", "server.crt", "-days", "2", "-extfile", "server.ext",
        ], workingDirectory: directory)
        try runTool("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.crt", "-days", "2",
            "-subj", "/CN=stageset-agent azure client",
        ], workingDirectory: directory)
        let clientPEM = try String(contentsOfFile: path + "/client.crt", encoding: .utf8) + (try String(contentsOfFile: path + "/client.key", encoding: .utf8))
        try Data(clientPEM.utf8).write(to: directory.appendingPathComponent("client.pem"))
        try runTool("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "service-account.key"],
            workingDirectory: directory)
        try runTool("openssl", ["pkey", "-in", "service-account.key", "-pubout", "-out", "service-account.pub"], workingDirectory: directory)
        for file in ["client.pem", "client.key", "service-account.key", "server.key", "ca.key", "other-ca.key"] {
            chmod(path + "/" + file, 0o600)
        }
        return TestPKI(directory: path)
    }
}
