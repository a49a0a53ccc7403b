import Foundation

/// Bytes from a hex string; spaces and colons are ignored so vectors can be pasted as printed.
public func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { $0.isHexDigit }
    precondition(digits.count % 2 == 0, "odd number of hex digits in test vector")
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

public struct ToolFailure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Runs a real peer program (openssl, age …) and returns its standard output; a missing program or
/// a non-zero exit is a failure naming it, never a silent skip.
@discardableResult
public func runTool(_ tool: String, _ arguments: [String], input: [UInt8]? = nil, workingDirectory: URL? = nil) throws -> [UInt8] {
    guard findExecutable(tool) != nil else {
        let package = tool == "age-keygen" ? "age" : tool
        throw ToolFailure(description: "required test peer `\(tool)` is not installed (Debian package: \(package))")
    }
    let result = try Shell.runBytes(tool, arguments, in: workingDirectory?.path, input: input)
    guard result.status == 0 else {
        throw ToolFailure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(String(decoding: result.error, as: UTF8.self))")
    }
    return result.output
}

public func findExecutable(_ name: String) -> URL? {
    (try? Shell.locate(name)).map { URL(fileURLWithPath: $0) }
}
