import Foundation
import Testing

@testable import HTTP

@Suite("Streaming bodies and body caps")
struct StreamingTests {
    /// Checks that `chunk`, starting at absolute `offset`, follows the server's i % 251 pattern at
    /// its first and last byte.
    private func followsPattern(_ chunk: Data, at offset: Int) -> Bool {
        guard let first = chunk.first, let last = chunk.last else { return true }
        return Int(first) == offset % 251 && Int(last) == (offset + chunk.count - 1) % 251
    }

    @Test func fiftyMegabytesStreamInChunksWithBoundedBuffering() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let total = 50 * 1024 * 1024
        let response = try await client.stream(HTTPRequest(url: server.url("/bytes?n=\(total)")))
        try await response.requireSuccess()
        #expect(response.headers["Content-Length"] == "\(total)")

        // Do not read yet: the transfer must pause once the buffer is full instead of loading
        // the whole body into memory.
        var waited = 0
        while !response.body.isPausedForBackPressure, waited < 3000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(response.body.isPausedForBackPressure)
        let limit = response.body.pauseThresholdBytes + 64 * 1024
        #expect(response.body.peakBufferedBytes <= limit)

        var received = 0
        var chunks = 0
        var patternHolds = true
        for try await chunk in response.body {
            patternHolds = patternHolds && followsPattern(chunk, at: received)
            received += chunk.count
            chunks += 1
        }
        #expect(received == total)
        #expect(chunks > 100)
        #expect(patternHolds)
        #expect(response.body.peakBufferedBytes <= limit)
    }

    @Test func pausedForBackPressureIsNotTreatedAsStalled() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient {
            $0.lowSpeedLimit = HTTPLowSpeedLimit(bytesPerSecond: 1000, duration: .seconds(1))
        }
        let total = 8 * 1024 * 1024
        let response = try await client.stream(HTTPRequest(url: server.url("/bytes?n=\(total)")))
        while !response.body.isPausedForBackPressure {
            try await Task.sleep(for: .milliseconds(10))
        }
        // Stay paused well past the low-speed window, then read everything.
        try await Task.sleep(for: .seconds(3))
        var received = 0
        for try await chunk in response.body { received += chunk.count }
        #expect(received == total)
    }

    @Test func chunkedBodyStreamsToTheEnd() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let total = 3 * 1024 * 1024 + 17
        let response = try await client.stream(HTTPRequest(url: server.url("/bytes?n=\(total)&chunked=1")))
        var received = 0
        var patternHolds = true
        for try await chunk in response.body {
            patternHolds = patternHolds && followsPattern(chunk, at: received)
            received += chunk.count
        }
        #expect(received == total)
        #expect(patternHolds)
    }

    @Test func bufferedBodyOverTheCapFailsFromContentLength() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient { $0.maxResponseBodyBytes = 1 << 20 }
        let error = await capturedHTTPError {
            _ = try await client.execute(HTTPRequest(url: server.url("/bytes?n=\(2 << 20)")))
        }
        #expect(error?.code == .bodyTooLarge)
        #expect(error?.message.contains("\(1 << 20)") == true)
    }

    @Test func bufferedChunkedBodyOverTheCapFails() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        var request = HTTPRequest(url: server.url("/bytes?n=\(2 << 20)&chunked=1"))
        request.maxResponseBodyBytes = 1 << 20
        let error = await capturedHTTPError { _ = try await client.execute(request) }
        #expect(error?.code == .bodyTooLarge)
    }

    @Test func bodyExactlyAtTheCapIsAccepted() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        var request = HTTPRequest(url: server.url("/bytes?n=1000&chunked=1"))
        request.maxResponseBodyBytes = 1000
        #expect(try await client.execute(request).body.count == 1000)
    }

    @Test func streamedBodyOverTheCapFailsWhileReading() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        var request = HTTPRequest(url: server.url("/bytes?n=\(4 << 20)&chunked=1"))
        request.maxResponseBodyBytes = 1 << 20
        let response = try await client.stream(request)
        var received = 0
        let error = await capturedHTTPError {
            for try await chunk in response.body { received += chunk.count }
        }
        #expect(error?.code == .bodyTooLarge)
        #expect(received <= 1 << 20)
    }

    @Test func collectReadsASmallStreamedBody() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let response = try await client.stream(HTTPRequest(url: server.url("/echo")))
        let body = try await response.body.collect(upTo: 1 << 20)
        #expect(try JSONDecoder().decode(Echo.self, from: body).method == "GET")
    }

    @Test func droppingABodyAbortsItsTransferAndTheClientStaysUsable() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        do {
            let response = try await client.stream(HTTPRequest(url: server.url("/bytes?n=\(50 << 20)")))
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try await client.execute(HTTPRequest(url: server.url("/echo"))).status }
            }
            for try await status in group { #expect(status == 200) }
        }
    }

    @Test func nonSuccessStreamThrowsStatusWithExcerpt() async throws {
        let server = try PythonPeer("http_server.py")
        defer { server.stop() }
        let client = try directClient()
        let response = try await client.stream(HTTPRequest(url: server.url("/status?code=503&body=overloaded&retry_after=7")))
        #expect(response.status == 503)
        #expect(response.retryAfter() == .seconds(7))
        let error = await capturedHTTPError { try await response.requireSuccess() }
        #expect(error?.code == .status)
        #expect(error?.statusCode == 503)
        #expect(error?.bodyExcerpt == "overloaded")
    }
}
