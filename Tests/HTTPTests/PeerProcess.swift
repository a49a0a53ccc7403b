import Foundation
import TestSupport

/// Failure to start or talk to a real peer (python3, openssl); the message names the tool.
struct PeerError: Error, CustomStringConvertible {
    let description: String
}

/// Finds an executable on PATH, failing with a message naming the tool when it is missing.
func locateTool(_ name: String) throws -> String {
    do {
        return try Shell.locate(name)
    } catch {
        throw PeerError(description: "required test peer '\(name)' was not found on PATH; install it (CI: apt-get install \(name))")
    }
}

/// Runs a tool to completion, failing with its stderr when it exits non-zero.
@discardableResult
func runTool(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
    let result = try Shell.runBytes(try locateTool(name), arguments, in: directory?.path)
    guard result.status == 0 else {
        throw PeerError(description: "\(name) \(arguments.joined(separator: " ")) failed: \(String(decoding: result.error, as: UTF8.self))")
    }
    return String(decoding: result.output, as: UTF8.self)
}

/// A Python test server from Tests/HTTPTests/Servers, listening on 127.0.0.1:<port>.
/// It exits when its stdin closes, so it never outlives the test process.
final class PythonPeer: @unchecked Sendable {
    let port: Int
    private let peer: LinePeer

    static let serversDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Servers")

    init(_ script: String, _ arguments: [String] = []) throws {
        peer = try LinePeer(try locateTool("python3"), ["-u", Self.serversDirectory.appendingPathComponent(script).path] + arguments)
        port = peer.port
    }

    func url(_ path: String, scheme: String = "http", host: String = "127.0.0.1") -> URL {
        URL(string: "\(scheme)://\(host):\(port)\(path)")!
    }

    func stop() {
        peer.stop()
    }
}
