import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SOPS

struct DecryptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a SOPS file to standard output, byte for byte as `sops decrypt` (for checking keys).",
        discussion: "The MAC is verified as the sops CLI does. Keys: age identity files (*.agekey or any file), armored OpenPGP private keys (*.asc), or directories holding them (a host Secret directory).")

    @Argument(help: "The SOPS-encrypted file.")
    var file: String

    @Option(name: .long, help: "A key file or directory; repeat for more.")
    var keys: [String] = []

    @Option(name: .long, help: "yaml, json, dotenv, ini or binary (default: from the file name).")
    var inputType: String?

    @Option(name: .long, help: "Output format (default: the input format).")
    var outputType: String?

    @Flag(name: .long, help: "Do not verify the MAC.")
    var ignoreMAC = false

    func run() async throws {
        let format: SOPSFormat
        if let inputType {
            guard let parsed = SOPSFormat(typeName: inputType) else { throw ValidationError("unknown --input-type \"\(inputType)\"") }
            format = parsed
        } else {
            format = SOPSFormat.forPath(file)
        }
        var output: SOPSFormat?
        if let outputType {
            guard let parsed = SOPSFormat(typeName: outputType) else { throw ValidationError("unknown --output-type \"\(outputType)\"") }
            output = parsed
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            writeStandardError("cannot read \(file)\n")
            throw ExitCode.problemsFound
        }
        let plaintext: [UInt8]
        do throws(SOPSError) {
            let keys = try DecryptionKeys.fromPaths(keys)
            let (decryptor, problems) = try SOPSDecryptor.forKeys(keys, kmsSession: AgentWiring.kmsSession)
            for problem in problems { writeStandardError("warning: \(problem)\n") }
            plaintext = try await decryptor.decrypt(Array(data), format: format, outputFormat: output, mac: ignoreMAC ? .ignore : .verify, fileName: file)
        } catch {
            writeStandardError("\(error)\n")
            throw ExitCode.problemsFound
        }
        var offset = 0
        while offset < plaintext.count {
            let written = plaintext[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
    }
}
