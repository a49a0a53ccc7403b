import Foundation
import Systemd
import Testing
import TestSupport

@Suite struct SystemdNotifierTests {
    private func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    private func lines(_ datagram: DatagramReceiver.Datagram) -> [String] {
        datagram.text.split(separator: "\n").map(String.init)
    }

    /// The whole lifecycle a daemon goes through, received by a socket bound like systemd's.
    private func expectLifecycle(on receiver: DatagramReceiver) throws {
        let notifier = SystemdNotifier(environment: SystemdEnvironment(["NOTIFY_SOCKET": receiver.address]))
        #expect(notifier.isEnabled)

        try notifier.ready(status: "2 StageSets ready")
        try notifier.status("payments: stage app progressing\n(second line)")
        let before = monotonicMicroseconds()
        try notifier.reloading(status: "reloading configuration")
        let after = monotonicMicroseconds()
        try notifier.ready()
        try notifier.watchdogPing()
        try notifier.extendTimeout(by: .seconds(90))
        try notifier.stopping(status: "draining")
        try notifier.failing(errorNumber: ENOENT, status: "configuration missing")

        let ready = try receiver.receive()
        #expect(lines(ready) == ["READY=1", "STATUS=2 StageSets ready"])
        #expect(ready.senderProcessID == getpid(), "systemd's NotifyAccess=main check sees the sender's pid")
        #expect(lines(try receiver.receive()) == ["STATUS=payments: stage app progressing (second line)"])

        let reloading = lines(try receiver.receive())
        #expect(reloading.count == 3)
        #expect(reloading.first == "RELOADING=1")
        let stamp = reloading.first { $0.hasPrefix("MONOTONIC_USEC=") }.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }
        #expect(stamp != nil, "RELOADING=1 must carry MONOTONIC_USEC")
        if let stamp { #expect(stamp >= before && stamp <= after, "MONOTONIC_USEC is CLOCK_MONOTONIC in µs") }
        #expect(reloading.last == "STATUS=reloading configuration")

        #expect(lines(try receiver.receive()) == ["READY=1"])
        #expect(lines(try receiver.receive()) == ["WATCHDOG=1"])
        #expect(lines(try receiver.receive()) == ["EXTEND_TIMEOUT_USEC=90000000"])
        #expect(lines(try receiver.receive()) == ["STOPPING=1", "STATUS=draining"])
        #expect(lines(try receiver.receive()) == ["STATUS=configuration missing", "ERRNO=\(ENOENT)"])
        #expect(!receiver.hasPendingDatagram())
    }

    @Test func lifecycleNotificationsArriveInOrderOnAPathSocket() throws {
        let scratch = try ScratchDirectory("notify")
        try expectLifecycle(on: try DatagramReceiver(directory: scratch.directory))
    }

    @Test func lifecycleNotificationsArriveOnAnAbstractSocket() throws {
        let receiver = try DatagramReceiver(directory: nil)
        #expect(receiver.address.hasPrefix("@"))
        try expectLifecycle(on: receiver)
    }

    @Test func withoutNotifySocketEveryCallIsANoOp() throws {
        let notifier = SystemdNotifier(environment: SystemdEnvironment([:]))
        #expect(!notifier.isEnabled)
        #expect(try notifier.ready(status: "x") == false)
        #expect(try notifier.reloading() == false)
        #expect(try notifier.watchdogPing() == false)
        #expect(try notifier.stopping() == false)
        #expect(notifier.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: SystemdEnvironment(["NOTIFY_SOCKET": ""])).isEnabled == false)
    }

    @Test func watchdogIntervalComesFromWatchdogUsecForThisProcessOnly() {
        let ours = SystemdNotifier(environment: SystemdEnvironment(["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": String(getpid())]))
        #expect(ours.watchdogInterval == .seconds(120))
        #expect(ours.watchdogPingInterval == .seconds(60))
        let noPid = SystemdNotifier(environment: SystemdEnvironment(["WATCHDOG_USEC": "3000000"]))
        #expect(noPid.watchdogInterval == .seconds(3))
        let someoneElse = SystemdNotifier(environment: SystemdEnvironment(["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "1"]))
        #expect(someoneElse.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: SystemdEnvironment(["WATCHDOG_USEC": "0"])).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: SystemdEnvironment(["WATCHDOG_USEC": "soon"])).watchdogInterval == nil)
    }

    @Test func aMissingListenerIsAnErrorNamingTheSocket() throws {
        let scratch = try ScratchDirectory("notify")
        let notifier = SystemdNotifier(environment: SystemdEnvironment(["NOTIFY_SOCKET": scratch.file("absent.socket")]))
        let error = #expect(throws: SystemdError.self) { try notifier.ready() }
        #expect(error?.code == .sendFailed)
        #expect(error?.errorNumber == ENOENT)
        #expect(error?.description.contains("absent.socket") == true)
    }

    @Test func unusableAddressesAndNamesAreRejected() throws {
        let relative = SystemdNotifier(environment: SystemdEnvironment(["NOTIFY_SOCKET": "vsock:2:1234"]))
        #expect((#expect(throws: SystemdError.self) { try relative.ready() })?.code == .unsupportedSocketAddress)
        let long = SystemdNotifier(environment: SystemdEnvironment(["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]))
        #expect((#expect(throws: SystemdError.self) { try long.ready() })?.code == .unsupportedSocketAddress)

        let scratch = try ScratchDirectory("notify")
        let receiver = try DatagramReceiver(directory: scratch.directory)
        let notifier = SystemdNotifier(environment: SystemdEnvironment(["NOTIFY_SOCKET": receiver.address]))
        #expect((#expect(throws: SystemdError.self) { try notifier.send([NotifyState(name: "bad=name", value: "1")]) })?.code == .invalidNotification)
        #expect(!receiver.hasPendingDatagram())
    }

    @Test func timeoutExtensionsRoundUpToWholeMicroseconds() {
        #expect(NotifyState.extendTimeout(by: .nanoseconds(1500)).value == "2")
        #expect(NotifyState.extendTimeout(by: .milliseconds(250)).value == "250000")
        #expect(NotifyState.extendTimeout(by: .seconds(-1)).value == "0")
    }
}
