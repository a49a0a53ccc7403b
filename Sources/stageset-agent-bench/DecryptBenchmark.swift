import ArgumentParser
import Foundation
import SOPS
import TestSupport

/// In-process SOPS decryption against `sops decrypt` on the same files in the same run:
/// 200 small Secrets, and one YAML file with 10,000 encrypted values.
struct DecryptBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decrypt", abstract: "SOPS decryption: the agent in-process vs the sops CLI.")

    @Option(help: "Number of small Secret files.") var secrets = 200
    @Option(help: "Encrypted values in the large file.") var values = 10_000

    func run() async throws {
        let scratch = try ScratchDirectory("bench-decrypt")
        let key = scratch.file("age.agekey")
        try Shell.check("age-keygen", ["-o", key])
        let recipient = try Shell.check("age-keygen", ["-y", key]).trimmingCharacters(in: .whitespacesAndNewlines)
        func encrypt(_ name: String, _ text: String) throws -> String {
            let plain = try scratch.write("plain/" + name, text)
            return try scratch.write("enc/" + name, try Shell.check("sops", ["--disable-version-check", "encrypt", "--age", recipient,
                "--encrypted-regex", "^(data|stringData)$", plain]))
        }
        print("generating \(secrets) Secrets and one file with \(values) values with sops …")
        var small: [String] = []
        for index in 0..<secrets {
            small.append(try encrypt("secret-\(index).yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: secret-\(index)
                stringData:
                  username: user-\(index)
                  password: \(UUID().uuidString)
                  token: \(UUID().uuidString)

                """))
        }
        var large = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: large\nstringData:\n"
        for index in 0..<values { large += "  key-\(index): value-\(index)-\(UUID().uuidString)\n" }
        let big = try encrypt("large.yaml", large)

        let keys = try DecryptionKeys.fromPaths([key])
        let decryptor = SOPSDecryptor(keys: keys)
        let smallBytes = try small.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let bigBytes = Array(try Data(contentsOf: URL(fileURLWithPath: big)))

        var agentOutputs: [[UInt8]] = []
        var clock = ContinuousClock.now
        for bytes in smallBytes {
            agentOutputs.append(try await decryptor.decrypt(bytes, format: .yaml))
        }
        let agentSmall = seconds(ContinuousClock.now - clock)
        clock = ContinuousClock.now
        let bigOutput = try await decryptor.decrypt(bigBytes, format: .yaml)
        let agentLarge = seconds(ContinuousClock.now - clock)

        var sopsOutputs: [[UInt8]] = []
        clock = ContinuousClock.now
        for path in small {
            sopsOutputs.append(try Shell.runBytes("sops", ["--disable-version-check", "decrypt", path], environment: ["SOPS_AGE_KEY_FILE": key]).output)
        }
        let sopsSmall = seconds(ContinuousClock.now - clock)
        clock = ContinuousClock.now
        let sopsBig = try Shell.runBytes("sops", ["--disable-version-check", "decrypt", big], environment: ["SOPS_AGE_KEY_FILE": key])
        let sopsLarge = seconds(ContinuousClock.now - clock)
        if let differing = agentOutputs.indices.first(where: { agentOutputs[$0] != sopsOutputs[$0] }) {
            throw ValidationError("\(small[differing]) decrypts differently in-process and with sops")
        }
        guard sopsBig.output == bigOutput else { throw ValidationError("the large file decrypts differently in-process and with sops") }

        print("SOPS decryption (age, --encrypted-regex '^(data|stringData)$'), outputs identical to sops decrypt")
        printTable([
            ["", "stageset-agent (in-process)", "sops decrypt", "ratio"],
            ["\(secrets) small Secrets", format(agentSmall) + " s", format(sopsSmall) + " s", format(agentSmall / sopsSmall) + "x"],
            ["1 file, \(values) values", format(agentLarge) + " s", format(sopsLarge) + " s", format(agentLarge / sopsLarge) + "x"],
        ])
    }
}
