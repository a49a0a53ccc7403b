import Foundation
import Testing

@testable import HTTP

@Suite("Failure classification, timeouts and cancellation")
struct FailureTests {
    @Test func refusedConnectionIsAConnectError() async throws {
        let port = try closedLocalPort()
        let client = try directClient()
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/api?token=SECRET")!))
        }
        #expect(error?.code == .connect)
        #expect(error?.endpoint == "http://127.0.0.1:\(port)")
        #expect(error?.message.hasPrefix("could not connect to http://127.0.0.1:\(port)") == true)
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func unresolvableNameIsADNSError() async throws {
        let client = try directClient()
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: URL(string: "https://no-such-host.invalid:6443/")!))
        }
        #expect(error?.code == .dns)
        #expect(error?.message.contains("https://no-such-host.invalid:6443") == true)
    }

    @Test func unansweredHandshakeHitsTheConnectTimeout() async throws {
        let blackhole = try PythonPeer("blackhole_server.py")
        defer { blackhole.stop() }
        let client = try directClient { $0.connectTimeout = .milliseconds(500) }
        let error = await capturedHTTPError { _ = try await client.execute(HTTPRequest(url: blackhole.url("/"))) }
        #expect(error?.code == .timeout)
        #expect(error?.endpoint == "http://127.0.0.1:\(blackhole.port)")
    }

    @Test func slowServerHitsTheTotalTimeout() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        var request = HTTPRequest(url: server.url("/sleep?seconds=30"))
        request.totalTimeout = .after(.milliseconds(500))
        let error = await capturedHTTPError { _ = try await client.execute(request) }
        #expect(error?.code == .timeout)
    }

    @Test func clientDefaultTotalTimeoutApplies() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient { $0.totalTimeout = .milliseconds(500) }
        let error = await capturedHTTPError { _ = try await client.execute(HTTPRequest(url: server.url("/sleep?seconds=30"))) }
        #expect(error?.code == .timeout)
    }

    @Test func stalledStreamHitsTheLowSpeedLimit() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        var request = HTTPRequest(url: server.url("/stall"))
        request.totalTimeout = .unlimited
        request.lowSpeedLimit = HTTPLowSpeedLimit(bytesPerSecond: 1000, duration: .seconds(1))
        let response = try await client.stream(request)
        #expect(response.status == 200)
        let error = await capturedHTTPError {
            for try await _ in response.body {}
        }
        #expect(error?.code == .timeout)
    }

    @Test func cancellingTheTaskAbortsARunningRequest() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let task = Task { try await client.execute(HTTPRequest(url: server.url("/sleep?seconds=60"))) }
        var inFlight = 0
        while inFlight == 0 {
            inFlight = try await client.execute(HTTPRequest(url: server.url("/stats"))).decoded(ServerStats.self).inflight
            if inFlight == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        task.cancel()
        let error = await capturedHTTPError { _ = try await task.value }
        #expect(error?.code == .cancelled)
        // The client keeps working after the abort.
        #expect(try await client.execute(HTTPRequest(url: server.url("/echo"))).status == 200)
    }

    @Test func alreadyCancelledTaskFailsWithoutSending() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPRequest(url: server.url("/echo")))
        }
        let error = await capturedHTTPError { _ = try await task.value }
        #expect(error?.code == .cancelled)
        #expect(try await serverStats(server).requests == 1)
    }

    @Test func cancellingWhileReadingAStreamAborts() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let response = try await client.stream(HTTPRequest(url: server.url("/stall")))
        let (firstChunkArrived, signal) = AsyncStream<Void>.makeStream()
        let reader = Task {
            var received = 0
            for try await chunk in response.body {
                received += chunk.count
                signal.yield()
            }
            return received
        }
        var arrivals = firstChunkArrived.makeAsyncIterator()
        _ = await arrivals.next()
        reader.cancel()
        let error = await capturedHTTPError { _ = try await reader.value }
        #expect(error?.code == .cancelled)
    }
}

@Suite("Retry-After")
struct RetryAfterTests {
    private let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test func delaySeconds() {
        #expect(RetryAfter.parse("120", relativeTo: now) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", relativeTo: now) == .zero)
    }

    @Test func httpDatesInAllThreeFormats() {
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:07 GMT", relativeTo: now) == .seconds(30))
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:50:37 GMT", relativeTo: now) == .seconds(60))
        #expect(RetryAfter.parse("Sun Nov  6 08:51:37 1994", relativeTo: now) == .seconds(120))
    }

    @Test func pastDateMeansNoWait() {
        #expect(RetryAfter.parse("Sat, 05 Nov 1994 08:49:37 GMT", relativeTo: now) == .zero)
    }

    @Test func invalidValuesAreIgnored() {
        #expect(RetryAfter.parse("-5", relativeTo: now) == nil)
        #expect(RetryAfter.parse("soon", relativeTo: now) == nil)
        #expect(RetryAfter.parse("Sun, 32 Nov 1994 08:49:37 GMT", relativeTo: now) == nil)
        #expect(RetryAfter.parse("", relativeTo: now) == nil)
    }

    @Test func leapYearDatesAreExact() {
        let base = Date(timeIntervalSince1970: 951_782_400)  // 2000-02-29 00:00:00 UTC
        #expect(RetryAfter.parse("Tue, 29 Feb 2000 00:00:10 GMT", relativeTo: base) == .seconds(10))
    }

    @Test func responseHelperReadsTheServersHeader() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let seconds = try await client.execute(HTTPRequest(url: server.url("/status?code=429&retry_after=3")))
        #expect(seconds.status == 429)
        #expect(seconds.retryAfter() == .seconds(3))
        let date = "Sun,%2006%20Nov%201994%2008:50:37%20GMT"
        let dated = try await client.execute(HTTPRequest(url: server.url("/status?code=503&retry_after=\(date)")))
        #expect(dated.retryAfter(relativeTo: now) == .seconds(60))
    }
}

@Suite("Client lifecycle")
struct ClientLifecycleTests {
    @Test func releasingTheClientStopsItsCurlThread() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        var engines: [CurlEngine] = []
        for _ in 0..<10 {
            let client = try directClient()
            #expect(try await client.execute(HTTPRequest(url: server.url("/echo"))).status == 200)
            engines.append(client.engine)
        }
        // Each client was released at the end of its iteration; its thread was joined.
        #expect(engines.allSatisfy { $0.mailbox.hasStopped })
    }

    @Test func aStreamKeepsItsClientAlive() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        var client: HTTPClient? = try directClient()
        let response = try await client!.stream(HTTPRequest(url: server.url("/bytes?n=\(5 << 20)")))
        weak let weakClient = client
        client = nil
        #expect(weakClient != nil)
        var received = 0
        for try await chunk in response.body { received += chunk.count }
        #expect(received == 5 << 20)
    }
}
