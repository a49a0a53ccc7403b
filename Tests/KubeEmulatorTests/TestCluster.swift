import Foundation
import TestSupport
import Testing
@testable import KubeEmulator

/// A started emulator plus a `curl`/`kubectl` driven client for it (real peers, loopback only).
final class TestCluster {
    enum Auth {
        case certificate
        case token
        case none
    }

    struct Response {
        var status: Int
        var body: String
        var headers: [String: String]
        var curlExitCode: Int32

        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    }

    let emulator: KubeEmulator
    let directory: String

    static func requireTool(_ name: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        Issue.record("required peer tool '\(name)' is not installed (apt-get install \(name == "kubectl" ? "kubectl" : name))")
        throw KubeEmulatorError(.invalidArgument, "missing tool \(name)")
    }

    init(configure: (inout KubeEmulator.Configuration) -> Void = { _ in }) throws {
        _ = try TestCluster.requireTool("openssl")
        _ = try TestCluster.requireTool("curl")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-emulator-test-\(UUID().uuidString)").path
        var configuration = KubeEmulator.Configuration(stateDirectory: directory)
        configure(&configuration)
        emulator = try KubeEmulator.start(configuration)
    }

    deinit {
        emulator.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: curl

    @discardableResult
    func request(_ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
                 accept: String? = nil, auth: Auth = .certificate, extraArguments: [String] = []) throws -> Response {
        let curl = try TestCluster.requireTool("curl")
        let headerFile = "\(directory)/headers-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        var arguments = ["-sS", "--max-time", "30", "--cacert", emulator.certificates.caCertificatePath, "-X", method,
                         "-D", headerFile, "-o", "-", "-w", "\n%{http_code}"]
        switch auth {
        case .certificate:
            arguments += ["--cert", emulator.certificates.clientCertificatePath, "--key", emulator.certificates.clientKeyPath]
        case .token:
            arguments += ["-H", "Authorization: Bearer \(emulator.bearerToken)"]
        case .none:
            break
        }
        if let accept { arguments += ["-H", "Accept: \(accept)"] }
        if body != nil { arguments += ["-H", "Content-Type: \(contentType)", "--data-binary", "@-"] }
        arguments += extraArguments
        arguments.append(emulator.serverURL + path)
        let (exitCode, output, _) = try run(curl, arguments, input: body)
        var lines = output.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        var headers: [String: String] = [:]
        if let headerText = try? String(contentsOfFile: headerFile, encoding: .utf8) {
            for line in headerText.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return Response(status: status, body: lines.joined(separator: "\n"), headers: headers, curlExitCode: exitCode)
    }

    /// Server-side apply of a JSON object.
    @discardableResult
    func apply(_ path: String, _ object: String, manager: String, force: Bool = false, dryRun: Bool = false) throws -> Response {
        var query = "fieldManager=\(manager)"
        if force { query += "&force=true" }
        if dryRun { query += "&dryRun=All" }
        return try request("PATCH", "\(path)?\(query)", body: object, contentType: "application/apply-patch+yaml")
    }

    func get(_ path: String) throws -> Response { try request("GET", path) }

    func createNamespace(_ name: String) throws {
        let response = try apply("/api/v1/namespaces/\(name)", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)"}}"#, manager: "test")
        #expect(response.status == 201)
    }

    // MARK: kubectl

    func kubectl(_ arguments: [String], kubeconfig: String? = nil, input: String? = nil) throws -> (Int32, String, String) {
        let kubectl = try TestCluster.requireTool("kubectl")
        let cache = "\(directory)/kubectl-cache"
        return try run(kubectl, ["--kubeconfig", kubeconfig ?? emulator.kubeconfigPath, "--cache-dir", cache] + arguments, input: input,
                       environment: ["HOME": directory, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
    }

    func write(_ name: String, _ contents: String) throws -> String {
        let path = "\(directory)/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: process

    func run(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> (Int32, String, String) {
        let result = try Shell.runBytes(executable, arguments, environment: environment ?? [:], replaceEnvironment: environment != nil,
            input: input.map { Array($0.utf8) })
        return (result.status, String(decoding: result.output, as: UTF8.self), String(decoding: result.error, as: UTF8.self))
    }

    /// Polls (bounded) until `condition` holds; returns whether it did.
    func eventually(attempts: Int = 100, _ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<attempts {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}

extension JSONValue {
    /// Dotted path lookup for tests (`"metadata.name"`); numeric components index arrays.
    func at(_ path: String) -> JSONValue {
        var current = self
        for component in path.split(separator: ".") {
            if let position = Int(component), case .array(let items) = current {
                current = position < items.count ? items[position] : .null
            } else {
                current = current[String(component)]
            }
        }
        return current
    }

    /// Managed-fields entry of a manager (nil if absent).
    func managedFields(of manager: String, operation: String = "Apply") -> JSONValue? {
        (at("metadata.managedFields").arrayValue ?? []).first { $0["manager"].stringValue == manager && $0["operation"].stringValue == operation }
    }
}
