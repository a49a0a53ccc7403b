import Foundation
import TestSupport

/// Runs the Python test generators in `Tests/OpenPGPTests/Generators` (real peers: pysequoia, and the
/// `cryptography` package's AES-OCB/GCM for packets no installed tool writes).
enum PythonPeers {
    static var generatorDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Generators").path
    }

    /// Fails with the package to install when a Python module is missing (never a silent skip).
    static func requireModule(_ module: String, package: String) throws {
        let result = try Shell.runBytes(try Shell.locate("python3"), ["-c", "import \(module)"])
        guard result.status == 0 else {
            throw TestFailure("required test peer: the Python package \(package) is not installed (pip install \(package))")
        }
    }

    /// Runs a generator script and returns its standard output.
    static func run(_ script: String, _ arguments: [String]) throws -> [UInt8] {
        try runTool("python3", [generatorDirectory + "/" + script] + arguments)
    }

    static func runJSON<Output: Decodable>(_ script: String, _ arguments: [String], as type: Output.Type) throws -> Output {
        try JSONDecoder().decode(Output.self, from: Data(try run(script, arguments)))
    }
}

extension Array where Element == UInt8 {
    var hexDigits: String { map { String(format: "%02x", $0) }.joined() }
}
