import Foundation
import Testing
@testable import KubeEmulator

@Suite struct RequestLogAndAdminTests {
    @Test func requestLogRecordsApplyRequestsInOrderAndResets() throws {
        let cluster = try TestCluster()
        cluster.emulator.resetRequestLog()
        try cluster.apply("/api/v1/namespaces/default/configmaps/a", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#, manager: "agent")
        try cluster.apply("/api/v1/namespaces/default/configmaps/b", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}"#, manager: "agent", dryRun: true)
        _ = try cluster.get("/api/v1/namespaces/default/configmaps/a")
        let log = cluster.emulator.requestLog()
        #expect(log.map(\.verb) == ["patch", "patch", "get"])
        #expect(log[0].fieldManager == "agent")
        #expect(log[0].patchType == "apply")
        #expect(log[0].name == "a")
        #expect(log[0].namespace == "default")
        #expect(log[0].statusCode == 201)
        #expect(log[1].dryRun)
        #expect(cluster.emulator.requestCounters()[RequestCounterKey(verb: "patch", group: "", resource: "configmaps")] == 2)
        cluster.emulator.resetRequestLog()
        #expect(cluster.emulator.requestLog().isEmpty)
        #expect(cluster.emulator.requestCounters().isEmpty)
    }

    @Test func adminAPIControlsKnobsAndExposesTheLog() throws {
        let cluster = try TestCluster()
        let settings = try cluster.request("PUT", "/emulator/v1/settings", body: #"{"defaultReadiness":"progressing","crdEstablishDelaySeconds":2}"#, auth: .none)
        #expect(settings.status == 200)
        #expect(settings.json["defaultReadiness"] == .string("progressing"))
        #expect(cluster.emulator.defaultReadiness == .progressing)

        #expect(try cluster.request("POST", "/emulator/v1/deny-rules", body: #"{"verb":"create","group":"","resource":"configmaps","namespace":"default"}"#, auth: .none).status == 200)
        #expect(try cluster.request("POST", "/api/v1/namespaces/default/configmaps", body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#).status == 403)
        #expect(try cluster.request("DELETE", "/emulator/v1/deny-rules", auth: .none).status == 200)

        #expect(try cluster.request("POST", "/emulator/v1/faults", body: #"{"pathPrefix":"/api/v1/namespaces/default","times":1,"status":503}"#, auth: .none).status == 200)
        #expect(try cluster.get("/api/v1/namespaces/default").status == 503)
        #expect(try cluster.get("/api/v1/namespaces/default").status == 200)

        let counters = try cluster.request("GET", "/emulator/v1/counters", auth: .none).json
        #expect((counters["items"].arrayValue ?? []).contains { $0["verb"] == .string("get") && $0["resource"] == .string("namespaces") && $0["count"] == .integer(2) })
        let requests = try cluster.request("GET", "/emulator/v1/requests", auth: .none).json
        #expect(requests.at("items.0.verb") == .string("create"))
        #expect(requests.at("items.0.statusCode") == .integer(403))
        #expect(try cluster.request("DELETE", "/emulator/v1/requests", auth: .none).status == 200)
        #expect(cluster.emulator.requestLog().isEmpty)
        #expect(try cluster.request("POST", "/emulator/v1/faults", body: "nonsense", auth: .none).status == 400)
    }

    @Test func keepAliveConnectionsServeManyRequests() throws {
        let cluster = try TestCluster()
        let curl = try TestCluster.requireTool("curl")
        let urls = (0..<20).map { "\(cluster.emulator.serverURL)/api/v1/namespaces/default/configmaps/c\($0)" }
        var arguments: [String] = []
        for (position, url) in urls.enumerated() {
            arguments += ["-sS", "--cacert", cluster.emulator.certificates.caCertificatePath,
                          "--cert", cluster.emulator.certificates.clientCertificatePath, "--key", cluster.emulator.certificates.clientKeyPath,
                          "-X", "PATCH", "-H", "Content-Type: application/apply-patch+yaml",
                          "--data-binary", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c\#(position)"}}"#,
                          "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n", url + "?fieldManager=bench"]
            if position < urls.count - 1 { arguments.append("--next") }
        }
        let (status, output, errors) = try cluster.run(curl, arguments)
        #expect(status == 0, "\(errors)")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0.hasPrefix("201 ") })
        // Only the first transfer opened a connection.
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(" 0") })
        #expect(cluster.emulator.requestCount(verb: "patch", group: "", resource: "configmaps", patchType: "apply") == 20)
    }
}
