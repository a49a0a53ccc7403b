import Foundation
import JSON
import Kube
import KubeEmulator
import Synchronization
import TestSupport
import Testing

/// Retries of throttling, server errors and dropped connections; many concurrent applies.
@Suite struct RetryAndConcurrencyTests {
    static let configMap = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"retried","namespace":"default"},"data":{"k":"v"}}"#

    /// Records the waits the retry policy asks for (and waits only a moment).
    final class RecordingSleeper: Sendable {
        let waits = Mutex<[Duration]>([])
        var policy: RetryPolicy {
            RetryPolicy(maximumAttempts: 6, initialDelay: .milliseconds(5), maximumDelay: .milliseconds(40), deadline: .seconds(60)) { [self] duration in
                waits.withLock { $0.append(duration) }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        var recorded: [Duration] { waits.withLock { $0 } }
    }

    @Test(arguments: [500, 503])
    func serverErrorsAreRetriedUntilTheApplySucceeds(_ status: Int) async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.discovery()
        fixture.emulator.addFault(FaultRule(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/configmaps", times: 3, status: status))
        let applied = try await client.apply(try object(Self.configMap))
        #expect(applied.created)
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.map(\.statusCode) == [status, status, status, 201])
    }

    @Test func throttlingHonoursRetryAfter() async throws {
        let fixture = try EmulatorFixture()
        let sleeper = RecordingSleeper()
        let client = try fixture.client { $0.retry = sleeper.policy }
        _ = try await client.discovery()
        fixture.emulator.addFault(.tooManyRequests(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/configmaps", times: 2, retryAfterSeconds: 2))
        _ = try await client.apply(try object(Self.configMap))
        #expect(sleeper.recorded == [.seconds(2), .seconds(2)])
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.map(\.statusCode) == [429, 429, 201])
    }

    @Test func retriesGiveUpAfterTheAttemptLimit() async throws {
        let fixture = try EmulatorFixture()
        let sleeper = RecordingSleeper()
        let client = try fixture.client { $0.retry = sleeper.policy }
        _ = try await client.discovery()
        fixture.emulator.addFault(.serviceUnavailable(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/configmaps"))
        let error = await #expect(throws: KubeError.self) { try await client.apply(try object(Self.configMap)) }
        #expect(error?.code == .serverError)
        #expect(error?.statusCode == 503)
        #expect(error?.message.contains("gave up after 6 attempts") == true)
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.count == 6)
        // Exponential growth, capped.
        let waits = sleeper.recorded
        #expect(waits.count == 5)
        #expect(waits.allSatisfy { $0 <= .milliseconds(48) })
        #expect(waits[3] > waits[0])

        fixture.emulator.clearFaults()
        fixture.emulator.addFault(.tooManyRequests(pathPrefix: "/api/v1/namespaces/default/configmaps", retryAfterSeconds: 1))
        let throttled = await #expect(throws: KubeError.self) { try await client.apply(try object(Self.configMap)) }
        #expect(throttled?.code == .tooManyRequests)
        #expect(throttled?.retryAfter == .seconds(1))
    }

    @Test func deadlineStopsRetriesEarly() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client {
            $0.retry = RetryPolicy(maximumAttempts: 50, initialDelay: .milliseconds(5), maximumDelay: .milliseconds(5), deadline: .seconds(1))
        }
        _ = try await client.discovery()
        fixture.emulator.addFault(.tooManyRequests(method: "PATCH", pathPrefix: "/api/v1", retryAfterSeconds: 5))
        let error = await #expect(throws: KubeError.self) { try await client.apply(try object(Self.configMap)) }
        #expect(error?.code == .tooManyRequests)
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.count == 1)
    }

    @Test func clientErrorsAreNeverRetried() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.discovery()
        fixture.emulator.addFault(FaultRule(method: "PATCH", pathPrefix: "/api/v1", times: 1, status: 418))
        let error = await #expect(throws: KubeError.self) { try await client.apply(try object(Self.configMap)) }
        #expect(error?.code == .other)
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.count == 1)
    }

    @Test func droppedConnectionsAreRetried() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        _ = try await client.discovery()
        fixture.emulator.addFault(.drop(method: "PATCH", pathPrefix: "/api/v1/namespaces/default/configmaps", times: 3))
        let applied = try await client.apply(try object(Self.configMap))
        #expect(applied.object.string("data.k") == "v")
        let patches = fixture.emulator.requestLog().filter { $0.method == "PATCH" }
        #expect(patches.count == 4)
        #expect(patches.last?.statusCode == 201)

        fixture.emulator.addFault(.drop(method: "GET", pathPrefix: "/api/v1/namespaces/default/configmaps/retried"))
        let error = await #expect(throws: KubeError.self) {
            try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "retried"))
        }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("gave up after 6 attempts") == true)
    }

    @Test func discoveryFailuresAreRetriedToo() async throws {
        let fixture = try EmulatorFixture()
        fixture.emulator.addFault(.internalError(method: "GET", pathPrefix: "/apis", times: 2))
        let client = try fixture.client()
        #expect(try await client.resource(apiVersion: "apps/v1", kind: "Deployment").name == "deployments")
    }

    @Test func twoHundredConcurrentAppliesShareTheConnectionPool() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client { $0.maximumConnections = 8; $0.maximumConcurrentRequests = 32 }
        _ = try await client.apply(try object(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bulk"}}"#))
        fixture.emulator.addFault(.delay(method: "PATCH", pathPrefix: "/api/v1/namespaces/bulk", times: 20, milliseconds: 20))
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let text = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"item-\#(index)","namespace":"bulk","labels":{"batch":"one"}},"data":{"index":"\#(index)"}}"#
                    return try await client.apply(try object(text)).created
                }
            }
            var created: [Bool] = []
            for try await result in group { created.append(result) }
            return created
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
        #expect(fixture.emulator.requestCount(verb: "patch", group: "", resource: "configmaps", patchType: "apply") == 200)
        let listed = try await client.list(apiVersion: "v1", kind: "ConfigMap", in: .namespace("bulk"), labelSelector: "batch=one")
        #expect(listed.count == 200)
    }

    @Test func cancellingTheCallerStopsRetrying() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client {
            $0.retry = RetryPolicy(maximumAttempts: 100, initialDelay: .milliseconds(50), maximumDelay: .milliseconds(50), deadline: nil)
        }
        _ = try await client.discovery()
        fixture.emulator.addFault(.serviceUnavailable(method: "PATCH", pathPrefix: "/api/v1"))
        let task = Task { try await client.apply(try object(Self.configMap)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        guard case .failure(let error as KubeError) = result else {
            Issue.record("expected a cancellation, got \(result)")
            return
        }
        #expect(error.code == .cancelled)
        #expect(fixture.emulator.requestLog().filter { $0.method == "PATCH" }.count < 100)
    }
}
