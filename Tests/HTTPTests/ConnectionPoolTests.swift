import Foundation
import Testing

@testable import HTTP

@Suite("Connection pool: keep-alive reuse bounded per host")
struct ConnectionPoolTests {
    private func stats(_ client: HTTPClient, _ server: PythonPeer) async throws -> ServerStats {
        try await client.execute(HTTPRequest(url: server.url("/stats"))).decoded(ServerStats.self)
    }

    @Test func sequentialRequestsReuseConnections() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        for index in 0..<200 {
            let response = try await client.execute(HTTPRequest(url: server.url("/echo?n=\(index)")))
            #expect(response.status == 200)
        }
        let stats = try await stats(client, server)
        #expect(stats.requests == 201)
        #expect(stats.connections <= 8)
    }

    @Test func concurrentRequestsStayWithinThePool() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let body = Data("{\"index\":\(index)}".utf8)
                    return try await client.execute(HTTPRequest(method: .patch, url: server.url("/echo"), body: body)).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
        let stats = try await stats(client, server)
        #expect(stats.requests == 201)
        #expect(stats.connections <= 8)
    }

    @Test func thousandConcurrentApplyShapedRequestsShareEightConnections() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let succeeded = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let document = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-\#(index)"}}"#
                    var request = HTTPRequest(
                        method: .patch,
                        url: server.url("/echo?fieldManager=stageset-agent&force=true"),
                        body: Data(document.utf8))
                    request.headers.add(name: "Content-Type", value: "application/apply-patch+yaml")
                    let echo = try await client.execute(request).requireSuccess().decoded(Echo.self)
                    return echo.body == document
                }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(succeeded == 1000)
        let stats = try await stats(client, server)
        #expect(stats.requests == 1001)
        #expect(stats.connections <= 8)
    }

    @Test func timeWaitingForAConnectionCountsTowardTheTotalTimeout() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient {
            $0.maxConnectionsPerHost = 1
            $0.totalTimeout = .seconds(1)
        }
        // One connection, 40 requests that each hold it for 30 s: all but the first wait for it,
        // some inside curl and some in the client's admission queue; every one must time out.
        let codes = await withTaskGroup(of: HTTPError.Code?.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    await capturedHTTPError { _ = try await client.execute(HTTPRequest(url: server.url("/sleep?seconds=30"))) }?.code
                }
            }
            return await group.reduce(into: [HTTPError.Code?]()) { $0.append($1) }
        }
        #expect(codes.count == 40)
        #expect(codes.allSatisfy { $0 == .timeout })
    }

    @Test func cancellingQueuedRequestsFailsThemAsCancelled() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient {
            $0.maxConnectionsPerHost = 1
            $0.totalTimeout = nil
        }
        let tasks = (0..<40).map { _ in
            Task { try await client.execute(HTTPRequest(url: server.url("/sleep?seconds=60"))) }
        }
        while try await serverStats(server).inflight == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        for task in tasks { task.cancel() }
        var codes: [HTTPError.Code?] = []
        for task in tasks {
            codes.append(await capturedHTTPError { _ = try await task.value }?.code)
        }
        #expect(codes.allSatisfy { $0 == .cancelled })
        // The connection held by the aborted request is gone; a new request still works.
        #expect(try await client.execute(HTTPRequest(url: server.url("/echo"))).status == 200)
    }

    @Test func configuredPoolSizeIsHonoured() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient { $0.maxConnectionsPerHost = 2 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask { _ = try await client.execute(HTTPRequest(url: server.url("/echo"))).requireSuccess() }
            }
            try await group.waitForAll()
        }
        #expect(try await stats(client, server).connections <= 2)
    }
}
