import Testing
@testable import KubeEmulator

@Suite struct FaultInjectionTests {
    @Test func serviceUnavailableForTheNextRequestsOnly() throws {
        let cluster = try TestCluster()
        cluster.emulator.addFault(.serviceUnavailable(method: "GET", pathPrefix: "/api/v1/namespaces", times: 2))
        let first = try cluster.get("/api/v1/namespaces")
        #expect(first.status == 503)
        #expect(first.json["reason"] == .string("ServiceUnavailable"))
        #expect(try cluster.get("/api/v1/namespaces/default").status == 503)
        #expect(try cluster.get("/api/v1/namespaces").status == 200)
        #expect(try cluster.get("/version").status == 200)
    }

    @Test func tooManyRequestsCarriesRetryAfter() throws {
        let cluster = try TestCluster()
        cluster.emulator.addFault(.tooManyRequests(pathPrefix: "/apis/apps", times: 1, retryAfterSeconds: 7))
        let response = try cluster.get("/apis/apps/v1/deployments")
        #expect(response.status == 429)
        #expect(response.headers["retry-after"] == "7")
        #expect(response.json["reason"] == .string("TooManyRequests"))
        #expect(response.json.at("details.retryAfterSeconds") == .integer(7))
    }

    @Test func internalErrorsPersistUntilCleared() throws {
        let cluster = try TestCluster()
        cluster.emulator.addFault(.internalError(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/configmaps"))
        let config = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#
        for _ in 0..<3 {
            let response = try cluster.apply("/api/v1/namespaces/default/configmaps/c", config, manager: "agent")
            #expect(response.status == 500)
            #expect(response.json["reason"] == .string("InternalError"))
        }
        cluster.emulator.clearFaults()
        #expect(try cluster.apply("/api/v1/namespaces/default/configmaps/c", config, manager: "agent").status == 201)
        #expect(cluster.emulator.requestCount(verb: "patch", group: "", resource: "configmaps") == 4)
    }

    @Test func droppedConnectionsGetNoAnswer() throws {
        let cluster = try TestCluster()
        cluster.emulator.addFault(.drop(pathPrefix: "/api/v1/namespaces", times: 1))
        let dropped = try cluster.get("/api/v1/namespaces")
        #expect(dropped.curlExitCode != 0)
        #expect(dropped.status == 0)
        #expect(try cluster.get("/api/v1/namespaces").status == 200)
    }

    @Test func delayedRequestsStillSucceed() throws {
        let cluster = try TestCluster()
        cluster.emulator.addFault(.delay(pathPrefix: "/api/v1", times: 1, milliseconds: 200))
        #expect(try cluster.get("/api/v1/namespaces").status == 200)
    }
}
