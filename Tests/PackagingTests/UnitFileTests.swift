import Foundation
import Testing
import TestSupport

@Suite struct UnitFileTests {
    @Test func systemdAnalyzeVerifyReportsNothing() throws {
        let root = try SystemdAnalyze.verificationRoot()
        let unit = root.file("usr/lib/systemd/system/stageset-agent.service")
        try Shell.check("cp", [SystemdAnalyze.unitPath, unit])
        // The man page is checked by the package test, which installs the real one.
        let output = try SystemdAnalyze.verify(unit: unit, root: root, checkManPage: false)
        #expect(output.status == 0)
        #expect(output.standardError.isEmpty, "systemd-analyze verify: \(output.standardError)")
        #expect(output.standardOutput.isEmpty, "systemd-analyze verify: \(output.standardOutput)")
    }

    @Test func verifyCatchesWhatSystemd252Rejects() throws {
        // The check above is only worth something if verify complains about a bad unit.
        let root = try SystemdAnalyze.verificationRoot()
        let unit = root.file("usr/lib/systemd/system/stageset-agent.service")
        let text = try String(contentsOfFile: SystemdAnalyze.unitPath, encoding: .utf8)
        try root.write("usr/lib/systemd/system/stageset-agent.service", text.replacingOccurrences(of: "Type=notify\n", with: "Type=notify-reload\n"))
        let output = try SystemdAnalyze.verify(unit: unit, root: root, checkManPage: false)
        #expect(output.standardError.contains("notify-reload"))
    }

    @Test func exposureScoreIsAtMostTwo() throws {
        let report = try SystemdAnalyze.security(SystemdAnalyze.unitPath)
        print("systemd-analyze security --offline=yes stageset-agent.service: exposure \(report.score)")
        #expect(report.score <= 2.0, "exposure \(report.score) > 2.0:\n\(report.output)")
        // The findings left open are exactly the ones docs/systemd.md explains.
        #expect(report.failedChecks == [
            "RootDirectory=/RootImage=", "User=/DynamicUser=", "RestrictAddressFamilies=~AF_UNIX",
            "RestrictAddressFamilies=~AF_(INET|INET6)", "PrivateNetwork=", "DeviceAllow=", "IPAddressDeny=",
            "SystemCallFilter=~@resources",
        ], "\(report.failedChecks.sorted())")
    }

    @Test func theUnitCarriesTheContractTheDaemonRelyOn() throws {
        let unit = SystemdAnalyze.parseUnit(try String(contentsOfFile: SystemdAnalyze.unitPath, encoding: .utf8))
        let service = unit["Service"] ?? []
        func values(_ key: String) -> [String] { service.filter { $0.key == key }.map(\.value) }
        #expect(values("Type") == ["notify"], "Type=notify-reload needs systemd 253; Debian 12 has 252")
        #expect(values("NotifyAccess") == ["main"])
        #expect(values("ExecStart") == ["/usr/bin/stageset-agent run"])
        #expect(values("ExecReload") == ["/bin/kill -HUP $MAINPID"])
        #expect(values("WatchdogSec").count == 1)
        #expect(values("Restart") == ["on-failure"])
        #expect(values("RestartSec").count == 1)
        #expect(values("TimeoutStopSec").count == 1)
        #expect(values("StateDirectory") == ["stageset-agent"])
        #expect(values("StateDirectoryMode") == ["0700"])
        #expect(values("RuntimeDirectory") == ["stageset-agent"])
        #expect(values("RuntimeDirectoryMode") == ["0700"])
        #expect(values("ConfigurationDirectory") == ["stageset-agent"])
        #expect(values("UMask") == ["0077"])
        #expect(values("EnvironmentFile") == ["-/etc/default/stageset-agent"])
        #expect(values("CapabilityBoundingSet") == [""])
        #expect(values("NoNewPrivileges") == ["yes"])
        #expect(values("ProtectSystem") == ["strict"])
        #expect(values("SystemCallFilter").first == "@system-service")
        #expect(values("RestrictAddressFamilies") == ["AF_UNIX AF_INET AF_INET6"])
        #expect(values("LoadCredential").isEmpty && values("LoadCredentialEncrypted").isEmpty,
            "a missing credential fails the start; credentials belong in drop-ins")
        #expect((unit["Install"] ?? []).contains { $0.key == "WantedBy" && $0.value == "multi-user.target" })
        #expect((unit["Unit"] ?? []).filter { $0.key == "ConditionPathExistsGlob" }.map(\.value) == [
            "|/etc/stageset-agent/stagesets/*.yaml", "|/etc/stageset-agent/stagesets/*.yml",
        ])
    }

    @Test func theDocumentedDynamicUserVariantScoresBetter() throws {
        let scratch = try ScratchDirectory("unit-variant")
        let text = try String(contentsOfFile: SystemdAnalyze.unitPath, encoding: .utf8)
        let variant = try scratch.write("stageset-agent.service", text.replacingOccurrences(of: "PrivateUsers=yes\n", with: "PrivateUsers=yes\nDynamicUser=yes\n"))
        let shipped = try SystemdAnalyze.security(SystemdAnalyze.unitPath)
        let dynamic = try SystemdAnalyze.security(variant)
        #expect(dynamic.score < shipped.score)
        #expect(!dynamic.failedChecks.contains("User=/DynamicUser="))
    }
}
