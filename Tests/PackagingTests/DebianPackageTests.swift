import Foundation
import Testing
import TestSupport

/// Builds the .deb with `make deb` (a release build: several minutes on two cores) — or takes the
/// one named by `STAGESET_AGENT_DEB` — and checks it the way dpkg, lintian and an operator see it,
/// then installs and purges it in a scratch root (`dpkg --root`, maintainer scripts chrootless).
@Suite struct DebianPackageTests {
    static var version: String {
        get throws {
            let source = try String(contentsOfFile: PackagePaths.root + "/Sources/stageset-agent/AgentVersion.swift", encoding: .utf8)
            guard let match = source.firstMatch(of: /static let current = "([^"]+)"/) else { throw TestFailure("no version in AgentVersion.swift") }
            return String(match.1)
        }
    }

    static func package() throws -> String {
        if let prebuilt = ProcessInfo.processInfo.environment["STAGESET_AGENT_DEB"], !prebuilt.isEmpty {
            guard FileManager.default.fileExists(atPath: prebuilt) else { throw TestFailure("STAGESET_AGENT_DEB=\(prebuilt) does not exist") }
            return prebuilt
        }
        _ = try Shell.locate("make")
        let started = ContinuousClock.now
        let build = try Shell.run("make", ["deb"], in: PackagePaths.root)
        guard build.status == 0 else { throw TestFailure("make deb failed (\(build.status)):\n\(build.standardError.suffix(4000))") }
        print("make deb took \(ContinuousClock.now - started)")
        let architecture = try Shell.check("dpkg", ["--print-architecture"]).trimmingCharacters(in: .whitespacesAndNewlines)
        return PackagePaths.root + "/out/stageset-agent_\(try version)_\(architecture).deb"
    }

    /// `field: value` pairs of a control file (continuation lines folded).
    static func controlFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var last: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix(" "), let last {
                fields[last, default: ""] += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = name
            }
        }
        return fields
    }

    /// Whether a directory entry exists, without following a symbolic link (enable links point at
    /// absolute paths that only exist inside the scratch root).
    static func entryExists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    @Test func thePackageBuildsInstallsRunsAndPurgesCleanly() throws {
        let deb = try Self.package()
        let version = try Self.version
        let size = (try FileManager.default.attributesOfItem(atPath: deb)[.size] as? Int) ?? 0
        print("package \(deb): \(size) bytes")

        // Control fields.
        let control = Self.controlFields(try Shell.check("dpkg-deb", ["--field", deb]))
        #expect(control["Package"] == "stageset-agent")
        #expect(control["Version"] == version)
        #expect(control["Architecture"] == (try Shell.check("dpkg", ["--print-architecture"]).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(control["Section"] == "admin")
        #expect(Int(control["Installed-Size"] ?? "") != nil)
        let depends = (control["Depends"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? "" }
        for required in ["libc6", "libcurl4", "libssl3", "libyaml-0-2", "zlib1g", "libstdc++6", "libgcc-s1", "git"] {
            #expect(depends.contains(required), "Depends lacks \(required): \(control["Depends"] ?? "")")
        }
        #expect(!depends.contains { $0.hasPrefix("libswift") || $0 == "libsystemd0" }, "static Swift stdlib, native systemd protocols")
        #expect(control["Recommends"]?.contains("kubectl | kustomize") == true)

        // Contents, modes, owners.
        let listing = try Shell.check("dpkg-deb", ["--contents", deb]).split(separator: "\n").map { line in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            return (mode: String(columns[0]), owner: String(columns[1]), path: String(columns.last!))
        }
        let modes = Dictionary(listing.map { ($0.path, $0.mode) }, uniquingKeysWith: { first, _ in first })
        #expect(listing.allSatisfy { $0.owner == "root/root" })
        let expected: [String: String] = [
            "./usr/bin/stageset-agent": "-rwxr-xr-x",
            "./usr/lib/systemd/system/stageset-agent.service": "-rw-r--r--",
            "./usr/lib/systemd/catalog/stageset-agent.catalog": "-rw-r--r--",
            "./usr/share/man/man8/stageset-agent.8.gz": "-rw-r--r--",
            "./usr/share/doc/stageset-agent/copyright": "-rw-r--r--",
            "./usr/share/doc/stageset-agent/changelog.gz": "-rw-r--r--",
            "./usr/share/doc/stageset-agent/README.md": "-rw-r--r--",
            "./usr/share/doc/stageset-agent/systemd.md": "-rw-r--r--",
            "./etc/stageset-agent/stagesets/": "drwxr-xr-x",
            "./etc/stageset-agent/stagesets/example.yaml.disabled": "-rw-r--r--",
            "./etc/stageset-agent/secrets/": "drwx------",
            "./etc/stageset-agent/secrets/README": "-rw-r--r--",
            "./etc/default/stageset-agent": "-rw-r--r--",
        ]
        for (path, mode) in expected {
            #expect(modes[path] == mode, "\(path): \(modes[path] ?? "missing"), expected \(mode)")
        }
        #expect(!listing.contains { $0.path.hasPrefix("./lib/") || $0.path.hasPrefix("./var/") }, "units in /usr/lib only; state is made at run time")
        // Every document the unit and the journal catalog point operators to is shipped.
        for source in ["systemd/stageset-agent.service", "systemd/stageset-agent.catalog"] {
            let text = try String(contentsOfFile: PackagePaths.root + "/" + source, encoding: .utf8)
            let references = try NSRegularExpression(pattern: #"file:(?://)?(/usr/share/doc/[A-Za-z0-9_./-]+)"#)
                .matches(in: text, range: NSRange(text.startIndex..., in: text))
                .map { "." + String(text[Range($0.range(at: 1), in: text)!]) }
            #expect(!references.isEmpty, "\(source) points to its documentation")
            for reference in Set(references) {
                #expect(modes[reference] != nil, "\(source) refers to \(reference), which the package does not ship")
            }
        }

        // Control archive: conffiles, scripts.
        let scratch = try ScratchDirectory("deb")
        try Shell.check("dpkg-deb", ["--control", deb, scratch.file("control")])
        let conffiles = try String(contentsOfFile: scratch.file("control/conffiles"), encoding: .utf8)
        #expect(conffiles.split(separator: "\n").sorted() == [
            "/etc/default/stageset-agent", "/etc/stageset-agent/secrets/README", "/etc/stageset-agent/stagesets/example.yaml.disabled",
        ])
        for script in ["postinst", "prerm", "postrm"] {
            #expect(FileManager.default.isExecutableFile(atPath: scratch.file("control/\(script)")), "\(script) is executable")
            try Shell.check("sh", ["-n", scratch.file("control/\(script)")])
        }
        #expect(FileManager.default.fileExists(atPath: scratch.file("control/md5sums")))

        // The binary: stripped, Swift runtime linked statically.
        try Shell.check("dpkg-deb", ["--extract", deb, scratch.file("contents")])
        let binary = scratch.file("contents/usr/bin/stageset-agent")
        let sections = try Shell.check("readelf", ["-S", "-W", binary])
        #expect(!sections.contains(".symtab") && !sections.contains(".debug_info"), "stripped")
        let dynamic = try Shell.check("readelf", ["-d", binary])
        #expect(!dynamic.contains("libswift"), "no shared Swift runtime")
        #expect(dynamic.contains("BIND_NOW") || dynamic.contains("NOW"), "full RELRO")

        // lintian, as Debian's archive would run it.
        let lintian = try Shell.run(try Shell.locate("lintian"), ["--fail-on", "error,warning", "--tag-display-limit", "0", "-I", deb])
        #expect(lintian.status == 0, "lintian: \(lintian.standardOutput)\(lintian.standardError)")
        #expect(!lintian.standardOutput.contains("E: ") && !lintian.standardOutput.contains("W: "), "lintian: \(lintian.standardOutput)")

        // Install into a scratch root; the maintainer scripts run chrootless with DPKG_ROOT set.
        let root = try ScratchDirectory("dpkg-root")
        for directory in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"] {
            try FileManager.default.createDirectory(atPath: root.file(directory), withIntermediateDirectories: true)
        }
        try root.write("var/lib/dpkg/status", "")
        try root.write("var/lib/dpkg/available", "")
        let hostWants = "/etc/systemd/system/multi-user.target.wants/stageset-agent.service"
        let hostHadUnit = Self.entryExists(hostWants)
        let dpkg = ["--root=\(root.directory)", "--force-not-root", "--force-script-chrootless", "--log=/dev/null"]
        let install = try Shell.run("dpkg", dpkg + ["--force-depends", "--install", deb])
        #expect(install.status == 0, "dpkg --install: \(install.standardOutput)\(install.standardError)")
        #expect(install.standardError.contains("dependency problems") || install.standardError.isEmpty)

        func mode(_ path: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: root.file(path)))?[.posixPermissions] as? Int
        }
        #expect(mode("etc/stageset-agent/secrets") == 0o700)
        #expect(mode("etc/stageset-agent/stagesets") == 0o755)
        #expect(mode("var/lib/stageset-agent") == 0o700, "postinst creates the state directory")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root.file("etc/systemd/system/multi-user.target.wants/stageset-agent.service")))
            == "/usr/lib/systemd/system/stageset-agent.service", "enabled as dh_installsystemd does (deb-systemd-helper, inside the root)")
        #expect(Self.entryExists(hostWants) == hostHadUnit, "the host was not touched")

        let installed = root.file("usr/bin/stageset-agent")
        #expect(try Shell.check(installed, ["version"]) == "stageset-agent \(version)\n")
        let stagesets = root.file("etc/stageset-agent/stagesets")
        let empty = try Shell.run(installed, ["validate", "--config", stagesets])
        #expect(empty.status == 0, "\(empty.standardOutput)\(empty.standardError)")
        try Shell.check("cp", [stagesets + "/example.yaml.disabled", stagesets + "/example.yaml"])
        let example = try Shell.run(installed, ["validate", "--config", stagesets])
        #expect(example.status == 0, "the shipped example validates: \(example.standardOutput)\(example.standardError)")
        #expect(example.standardOutput.contains("1 StageSet(s)"))
        try FileManager.default.removeItem(atPath: stagesets + "/example.yaml")

        // The installed unit, with the installed binary and man page.
        let verifyRoot = try SystemdAnalyze.verificationRoot(agent: installed, manPage: root.file("usr/share/man/man8/stageset-agent.8.gz"))
        let unit = verifyRoot.file("usr/lib/systemd/system/stageset-agent.service")
        try Shell.check("cp", [root.file("usr/lib/systemd/system/stageset-agent.service"), unit])
        let verify = try SystemdAnalyze.verify(unit: unit, root: verifyRoot, checkManPage: true)
        #expect(verify.status == 0 && verify.standardError.isEmpty, "systemd-analyze verify: \(verify.standardError)")

        // Purge leaves nothing of the package behind.
        let purge = try Shell.run("dpkg", dpkg + ["--purge", "stageset-agent"])
        #expect(purge.status == 0, "dpkg --purge: \(purge.standardOutput)\(purge.standardError)")
        for path in ["usr/bin/stageset-agent", "etc/stageset-agent", "var/lib/stageset-agent", "etc/default/stageset-agent",
            "etc/systemd/system/multi-user.target.wants/stageset-agent.service", "usr/lib/systemd/system/stageset-agent.service"]
        {
            #expect(!Self.entryExists(root.file(path)), "\(path) left after purge")
        }
    }
}
