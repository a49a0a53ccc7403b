import Foundation
import TestSupport

/// PKI generated with the real `openssl` CLI: a CA, a server certificate and an admin client certificate.
public struct CertificateFiles: Sendable {
    public var caCertificatePath: String
    public var caKeyPath: String
    public var serverCertificatePath: String
    public var serverKeyPath: String
    public var clientCertificatePath: String
    public var clientKeyPath: String

    /// Generates fresh EC P-256 keys and certificates into `directory` (overwriting earlier ones).
    static func generate(in directory: String, serverNames: [String], clientCommonName: String, clientOrganizations: [String],
                         openSSLPath: String) throws -> CertificateFiles {
        let files = CertificateFiles(
            caCertificatePath: "\(directory)/ca.crt", caKeyPath: "\(directory)/ca.key",
            serverCertificatePath: "\(directory)/server.crt", serverKeyPath: "\(directory)/server.key",
            clientCertificatePath: "\(directory)/client.crt", clientKeyPath: "\(directory)/client.key")
        let configPath = "\(directory)/openssl-emulator.cnf"
        let alternativeNames = (["IP:127.0.0.1", "IP:::1"] + serverNames.map { "DNS:\($0)" }).joined(separator: ",")
        let config = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        CN = kube-emulator
        [ca]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign,digitalSignature
        subjectKeyIdentifier = hash
        [server]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature,keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = \(alternativeNames)
        authorityKeyIdentifier = keyid
        [client]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature,keyEncipherment
        extendedKeyUsage = clientAuth
        authorityKeyIdentifier = keyid

        """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let clientSubject = clientOrganizations.map { "/O=\($0)" }.joined() + "/CN=\(clientCommonName)"
        let steps: [[String]] = [
            ["req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-sha256", "-days", "3650",
             "-config", configPath, "-extensions", "ca", "-subj", "/CN=kube-emulator-ca", "-keyout", files.caKeyPath, "-out", files.caCertificatePath],
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-config", configPath,
             "-subj", "/CN=kube-apiserver", "-keyout", files.serverKeyPath, "-out", "\(directory)/server.csr"],
            ["x509", "-req", "-in", "\(directory)/server.csr", "-CA", files.caCertificatePath, "-CAkey", files.caKeyPath, "-CAcreateserial",
             "-sha256", "-days", "3650", "-extfile", configPath, "-extensions", "server", "-out", files.serverCertificatePath],
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-config", configPath,
             "-subj", clientSubject, "-keyout", files.clientKeyPath, "-out", "\(directory)/client.csr"],
            ["x509", "-req", "-in", "\(directory)/client.csr", "-CA", files.caCertificatePath, "-CAkey", files.caKeyPath, "-CAcreateserial",
             "-sha256", "-days", "3650", "-extfile", configPath, "-extensions", "client", "-out", files.clientCertificatePath],
        ]
        for arguments in steps {
            try run(openSSLPath, arguments)
        }
        for path in [files.caKeyPath, files.serverKeyPath, files.clientKeyPath] {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        for leftover in ["server.csr", "client.csr", "ca.srl"] { try? FileManager.default.removeItem(atPath: "\(directory)/\(leftover)") }
        return files
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let result: (status: Int32, output: [UInt8], error: [UInt8])
        do {
            result = try Shell.runBytes(executable, arguments)
        } catch {
            throw KubeEmulatorError(.certificateGenerationFailed, "cannot run \(executable) (install the openssl CLI): \(error)")
        }
        guard result.status == 0 else {
            throw KubeEmulatorError(.certificateGenerationFailed,
                "openssl \(arguments.first ?? "") failed (\(result.status)): \(String(decoding: result.error, as: UTF8.self).prefix(500))")
        }
    }
}
