import Foundation
import Logging
import Systemd
import Testing
import TestSupport

@Suite struct AgentLogHandlerTests {
    /// `JOURNAL_STREAM` naming this process's real standard error.
    private func standardErrorStream() -> String {
        var status = stat()
        fstat(2, &status)
        return "\(status.st_dev):\(status.st_ino)"
    }

    @Test func journalStreamMatchingStandardErrorMeansJournal() throws {
        let environment = SystemdEnvironment(["JOURNAL_STREAM": standardErrorStream()])
        #expect(environment.standardErrorIsJournal)
        let absent = JournalSocket(path: "/nonexistent/journal.socket")
        #expect(AgentLogHandler.resolve(.automatic, environment: environment, socket: absent) == .journal)
        #expect(AgentLogHandler.make(format: .automatic, label: "x", environment: environment, socket: absent) is JournalLogHandler)
    }

    @Test func journalStreamNamingAnotherFileMeansText() throws {
        let scratch = try ScratchDirectory("format")
        let receiver = try DatagramReceiver(directory: scratch.directory)
        let socket = JournalSocket(path: receiver.address)
        let environment = SystemdEnvironment(["JOURNAL_STREAM": "1:2", "INVOCATION_ID": "0123456789abcdef0123456789abcdef"])
        #expect(!environment.standardErrorIsJournal)
        #expect(AgentLogHandler.resolve(.automatic, environment: environment, socket: socket) == .text)
        #expect(AgentLogHandler.make(format: .automatic, label: "x", environment: environment, socket: socket) is TextLogHandler)
    }

    @Test func underSystemdWithoutJournalStreamTheSocketDecides() throws {
        let scratch = try ScratchDirectory("format")
        let receiver = try DatagramReceiver(directory: scratch.directory)
        let present = JournalSocket(path: receiver.address)
        #expect(present.exists)
        let absent = JournalSocket(path: scratch.file("absent.socket"))
        let systemd = SystemdEnvironment(["INVOCATION_ID": "0123456789abcdef0123456789abcdef"])
        #expect(AgentLogHandler.resolve(.automatic, environment: systemd, socket: present) == .journal)
        #expect(AgentLogHandler.resolve(.automatic, environment: systemd, socket: absent) == .text)
        #expect(AgentLogHandler.resolve(.automatic, environment: SystemdEnvironment([:]), socket: present) == .text)
    }

    @Test func explicitFormatsAreKept() throws {
        let environment = SystemdEnvironment(["JOURNAL_STREAM": standardErrorStream()])
        #expect(AgentLogHandler.resolve(.text, environment: environment) == .text)
        #expect(AgentLogHandler.resolve(.json, environment: environment) == .json)
        #expect(AgentLogHandler.resolve(.journal, environment: SystemdEnvironment([:])) == .journal)
        #expect(AgentLogHandler.make(format: .json, label: "x", level: .debug) is JSONLinesLogHandler)
        #expect(AgentLogHandler.make(format: .json, label: "x", level: .debug).logLevel == .debug)
        #expect(LogFormat.allCases.map(\.rawValue) == ["automatic", "journal", "text", "json"])
    }

    @Test func journalStreamMatchesTheDescriptorItNames() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        var status = stat()
        fstat(ends[1], &status)
        let environment = SystemdEnvironment(["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"])
        #expect(environment.journalStreamMatches(descriptor: ends[1]))
        #expect(SystemdEnvironment(["JOURNAL_STREAM": "garbage"]).journalStreamMatches(descriptor: ends[1]) == false)
    }
}
