import Foundation
import Testing
import TestSupport

/// The unit file as shipped, and the real `systemd-analyze` run on it.
enum SystemdAnalyze {
    static var unitPath: String { PackagePaths.root + "/systemd/stageset-agent.service" }

    /// `[section: [(key, value)]]` of a unit file, in order (keys repeat, empty values kept).
    static func parseUnit(_ text: String) -> [String: [(key: String, value: String)]] {
        var sections: [String: [(key: String, value: String)]] = [:]
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            sections[current, default: []].append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return sections
    }

    /// Output of `systemd-analyze security --offline=yes`, its score and the checks it marks ✗.
    struct SecurityReport {
        var output: String
        var score: Double
        var failedChecks: Set<String>
    }

    static func security(_ unitPath: String) throws -> SecurityReport {
        let output = try Shell.run(try locate(), ["security", "--offline=yes", "--no-pager", unitPath])
        guard output.status == 0 else {
            throw TestFailure("systemd-analyze security failed (\(output.status)): \(output.standardError)")
        }
        let text = output.standardOutput
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Overall exposure level") }),
            let match = line.firstMatch(of: /: (\d+\.\d+)\s/), let score = Double(match.1)
        else {
            throw TestFailure("no exposure score in systemd-analyze output:\n\(text)")
        }
        let failed = text.split(separator: "\n").filter { $0.hasPrefix("✗") }.map { line in
            String(line.dropFirst().trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return SecurityReport(output: text, score: score, failedChecks: Set(failed))
    }

    /// A file-system root in which `systemd-analyze verify --root=` finds what the unit refers to:
    /// the host's units, `/bin/kill`, and the agent at `/usr/bin/stageset-agent` (`agent`, or a stub).
    static func verificationRoot(agent: String? = nil, manPage: String? = nil) throws -> ScratchDirectory {
        let root = try ScratchDirectory("unit-root")
        for directory in ["usr/bin", "usr/lib/systemd", "etc/systemd/system", "usr/share/man/man8"] {
            try FileManager.default.createDirectory(atPath: root.file(directory), withIntermediateDirectories: true)
        }
        try FileManager.default.createSymbolicLink(atPath: root.file("bin"), withDestinationPath: "usr/bin")
        guard FileManager.default.fileExists(atPath: "/usr/lib/systemd/system/multi-user.target") else {
            throw TestFailure("the systemd unit directory /usr/lib/systemd/system is missing (Debian package: systemd)")
        }
        try Shell.check("cp", ["-a", "/usr/lib/systemd/system", root.file("usr/lib/systemd/")])
        try Shell.check("cp", [try Shell.locate("kill"), root.file("usr/bin/kill")])
        if let agent {
            try Shell.check("cp", [agent, root.file("usr/bin/stageset-agent")])
        } else {
            try root.write("usr/bin/stageset-agent", "#!/bin/sh\nexit 0\n", mode: 0o755)
        }
        if let manPage { try Shell.check("cp", [manPage, root.file("usr/share/man/man8/")]) }
        return root
    }

    /// `systemd-analyze verify` of `unit` inside `root`; the man page check uses `root`'s man pages.
    static func verify(unit: String, root: ScratchDirectory, checkManPage: Bool) throws -> Shell.Output {
        try Shell.run(try locate(), ["verify", "--root=\(root.directory)", "--man=\(checkManPage ? "yes" : "no")", unit],
            environment: ["MANPATH": root.file("usr/share/man"), "SYSTEMD_LOG_COLOR": "0"])
    }

    /// The system calls a `SystemCallFilter=` group (or name) stands for, groups expanded.
    static func expand(_ item: String, seen: inout Set<String>) throws -> Set<String> {
        guard item.hasPrefix("@") else { return [item] }
        guard seen.insert(item).inserted else { return [] }
        let output = try Shell.run(try locate(), ["syscall-filter", "--no-pager", item])
        guard output.status == 0 else { throw TestFailure("systemd-analyze syscall-filter \(item) failed: \(output.standardError)") }
        var calls: Set<String> = []
        for line in output.standardOutput.split(separator: "\n").dropFirst() {
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            calls.formUnion(try expand(entry, seen: &seen))
        }
        return calls
    }

    static func locate() throws -> String {
        do {
            return try Shell.locate("systemd-analyze")
        } catch {
            throw TestFailure("required test peer systemd-analyze is not installed (Debian package: systemd)")
        }
    }
}
