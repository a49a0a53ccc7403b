import CCurl
import Synchronization

/// The only way into the curl thread: a locked command queue plus `curl_multi_wakeup`.
///
/// After the curl thread has taken its last batch (`stopped`), sends are refused, so
/// `curl_multi_wakeup` is never called on a multi handle that is being cleaned up.
final class CurlMailbox: Sendable {
    enum Command {
        case start(CurlTransfer)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
    }

    private struct State {
        var commands: [Command] = []
        var stopping = false
        var stopped = false
    }

    private let state = Mutex(State())
    nonisolated(unsafe) private let multiHandle: UnsafeMutableRawPointer

    init(multiHandle: UnsafeMutableRawPointer) {
        self.multiHandle = multiHandle
    }

    /// Queues `command` and wakes the curl thread; false once the thread has stopped.
    func send(_ command: Command) -> Bool {
        state.withLock { state in
            guard !state.stopped else { return false }
            state.commands.append(command)
            curl_multi_wakeup(multiHandle)
            return true
        }
    }

    /// Asks the curl thread to finish.
    func requestStop() {
        state.withLock { state in
            guard !state.stopped, !state.stopping else { return }
            state.stopping = true
            curl_multi_wakeup(multiHandle)
        }
    }

    /// Whether the curl thread has taken its last batch of commands.
    var hasStopped: Bool { state.withLock { $0.stopped } }

    /// Takes every queued command. When a stop was requested this is the last batch: later sends
    /// are refused.
    func takeCommands() -> (commands: [Command], stopping: Bool) {
        state.withLock { state in
            let commands = state.commands
            state.commands = []
            if state.stopping { state.stopped = true }
            return (commands, state.stopping)
        }
    }
}
