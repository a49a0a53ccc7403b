import Foundation

/// Writes kubeconfig files for the emulator (client-certificate and bearer-token variants).
enum KubeconfigWriter {
    struct Names {
        var cluster: String
        var context: String
        var user: String
        var namespace: String?
    }

    static func write(path: String, server: String, caPEM: Data, names: Names, userFields: [(String, String)], tlsServerName: String?) throws {
        var text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(quoted(names.cluster))
          cluster:
            server: \(quoted(server))
            certificate-authority-data: \(caPEM.base64EncodedString())

        """
        if let tlsServerName { text += "    tls-server-name: \(quoted(tlsServerName))\n" }
        text += """
        users:
        - name: \(quoted(names.user))
          user:

        """
        for (key, value) in userFields { text += "    \(key): \(quoted(value))\n" }
        text += """
        contexts:
        - name: \(quoted(names.context))
          context:
            cluster: \(quoted(names.cluster))
            user: \(quoted(names.user))

        """
        if let namespace = names.namespace { text += "    namespace: \(quoted(namespace))\n" }
        text += "current-context: \(quoted(names.context))\npreferences: {}\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    private static func quoted(_ text: String) -> String { JSONSerializer.string(.string(text)) }
}
