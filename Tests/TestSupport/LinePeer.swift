import Foundation

/// A test server that prints `PORT <n>` as its first line and exits when its standard input
/// closes, so it never outlives the test process.
public final class LinePeer: @unchecked Sendable {
    public let port: Int
    private let process: SpawnedProcess
    private var input: Int32

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let started = try SpawnedProcess.start(
            executable: try Shell.locate(executable), arguments: arguments, environment: merged, directory: nil, captureOutput: true)
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(started.output, &byte, 1) == 1 {
            if byte == 0x0A { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            started.process.terminate()
            close(started.input)
            let (_, errors) = readBoth(started.output, started.error)
            throw TestFailure("\(executable) did not start: \(text) \(String(decoding: errors, as: UTF8.self))")
        }
        // Keep draining output in the background so the peer never blocks on a full pipe.
        let output = started.output
        let errors = started.error
        Thread { _ = readBoth(output, errors) }.start()
        self.port = port
        self.process = started.process
        self.input = started.input
    }

    public func stop() {
        if input >= 0 {
            close(input)
            input = -1
        }
        process.terminate()
    }

    deinit { stop() }
}
