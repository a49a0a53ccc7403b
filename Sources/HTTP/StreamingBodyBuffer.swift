#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The hand-over point between the curl thread (producer) and the task reading a streamed body
/// (consumer). Bounded: when `highWaterBytes` are waiting, the producer is told to pause the
/// transfer; once the consumer drains to `lowWaterBytes` it asks for the transfer to continue.
final class StreamingBodyBuffer: Sendable {
    enum Offer {
        case accepted
        /// Not taken; curl must pause and deliver the same bytes again later.
        case pause
    }

    private struct State {
        var chunks: [Data] = []
        var readIndex = 0
        var bufferedBytes = 0
        var peakBufferedBytes = 0
        var paused = false
        var end: Result<Void, HTTPError>?
        var waiter: CheckedContinuation<Result<Data?, HTTPError>, Never>?
    }

    let highWaterBytes: Int
    let lowWaterBytes: Int
    private let state = Mutex(State())

    init(highWaterBytes: Int = 1 << 20, lowWaterBytes: Int = 256 << 10) {
        self.highWaterBytes = highWaterBytes
        self.lowWaterBytes = lowWaterBytes
    }

    // MARK: producer (curl thread)

    func offer(_ bytes: UnsafeRawBufferPointer) -> Offer {
        let waiter: CheckedContinuation<Result<Data?, HTTPError>, Never>?
        let chunk: Data
        do {
            let decision: Offer? = state.withLock { state in
                if state.end != nil { return .accepted }
                if state.bufferedBytes >= highWaterBytes {
                    state.paused = true
                    return .pause
                }
                return nil
            }
            if let decision { return decision }
            chunk = bytes.isEmpty ? Data() : Data(bytes: bytes.baseAddress!, count: bytes.count)
            waiter = state.withLock { state in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.chunks.append(chunk)
                state.bufferedBytes += chunk.count
                state.peakBufferedBytes = max(state.peakBufferedBytes, state.bufferedBytes)
                return nil
            }
        }
        waiter?.resume(returning: .success(chunk))
        return .accepted
    }

    func finish(_ result: Result<Void, HTTPError>) {
        let waiter: CheckedContinuation<Result<Data?, HTTPError>, Never>? = state.withLock { state in
            guard state.end == nil else { return nil }
            state.end = result
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: result.map { nil })
    }

    // MARK: consumer

    /// The next chunk, nil at the end of the body, or the transfer's failure. `resumeTransfer` is
    /// called when the producer was paused and the buffer has drained enough.
    func next(resumeTransfer: () -> Void) async -> Result<Data?, HTTPError> {
        var shouldResume = false
        let immediate: Result<Data?, HTTPError>? = state.withLock { state in
            Self.take(&state, lowWaterBytes: lowWaterBytes, shouldResume: &shouldResume)
        }
        if shouldResume { resumeTransfer() }
        if let immediate { return immediate }
        return await withCheckedContinuation { continuation in
            let immediate: Result<Data?, HTTPError>? = state.withLock { state in
                var ignored = false
                if let result = Self.take(&state, lowWaterBytes: lowWaterBytes, shouldResume: &ignored) {
                    return result
                }
                if state.waiter != nil {
                    return .failure(
                        HTTPError(
                            code: .other, message: "a streamed response body was read by two tasks at once",
                            endpoint: nil))
                }
                state.waiter = continuation
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    private static func take(_ state: inout State, lowWaterBytes: Int, shouldResume: inout Bool)
        -> Result<Data?, HTTPError>?
    {
        if state.readIndex < state.chunks.count {
            let chunk = state.chunks[state.readIndex]
            state.readIndex += 1
            if state.readIndex == state.chunks.count {
                state.chunks.removeAll(keepingCapacity: true)
                state.readIndex = 0
            } else if state.readIndex >= 64, state.readIndex * 2 >= state.chunks.count {
                state.chunks.removeFirst(state.readIndex)
                state.readIndex = 0
            }
            state.bufferedBytes -= chunk.count
            if state.paused, state.bufferedBytes <= lowWaterBytes {
                state.paused = false
                shouldResume = true
            }
            return .success(chunk)
        }
        if let end = state.end {
            return end.map { nil }
        }
        return nil
    }

    /// Largest number of bytes that were waiting for the consumer at any time.
    var peakBufferedBytes: Int { state.withLock { $0.peakBufferedBytes } }
    /// Whether the producer is currently paused because the buffer is full.
    var isPaused: Bool { state.withLock { $0.paused } }
}
