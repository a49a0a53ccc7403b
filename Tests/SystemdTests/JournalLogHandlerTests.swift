import Foundation
import Logging
import Systemd
import Testing
import TestSupport

@Suite struct JournalLogHandlerTests {
    /// A logger whose entries go to a socket the test bound.
    struct Harness {
        let scratch: ScratchDirectory
        let receiver: DatagramReceiver
        let socket: JournalSocket

        init(maximumDatagramSize: Int? = nil) throws {
            scratch = try ScratchDirectory("journal")
            receiver = try DatagramReceiver(directory: scratch.directory)
            socket = JournalSocket(path: receiver.address, maximumDatagramSize: maximumDatagramSize)
        }

        func logger(level: Logger.Level = .trace, metadata: Logger.Metadata = [:]) -> Logger {
            var logger = Logger(label: "stageset-agent.test") { label in
                var handler = JournalLogHandler(label: label, socket: socket)
                handler.metadata = metadata
                return handler
            }
            logger.logLevel = level
            return logger
        }

        /// The next entry, read from the datagram or from the memory file passed with it.
        func entry() throws -> (ParsedJournalEntry, passedAsFile: Bool) {
            let datagram = try receiver.receive()
            if let descriptor = datagram.passedDescriptors.first {
                defer { datagram.passedDescriptors.forEach { close($0) } }
                #expect(datagram.bytes.isEmpty, "a descriptor travels in an otherwise empty datagram")
                let seals = fcntl(descriptor, 1034)  // F_GET_SEALS
                #expect(seals >= 0 && seals & 0xF == 0xF, "the memory file is sealed (SEAL, SHRINK, GROW, WRITE)")
                return (try ParsedJournalEntry(readAll(descriptor: descriptor)), true)
            }
            return (try ParsedJournalEntry(datagram.bytes), false)
        }
    }

    @Test func entriesCarryMessagePriorityIdentifierCodeLocationAndPassThroughFields() throws {
        let harness = try Harness()
        let logger = harness.logger(metadata: ["STAGESET": "payments"])
        let line: UInt = #line + 1
        logger.info("stage app applied", metadata: ["STAGE": "app", "REVISION": "main@sha1:0123abcd", "event": "stage-applied", "objectCount": "4"])
        let (entry, passedAsFile) = try harness.entry()
        #expect(!passedAsFile)
        #expect(entry["MESSAGE"] == "stage app applied")
        #expect(entry["PRIORITY"] == "6")
        #expect(entry["SYSLOG_IDENTIFIER"] == "stageset-agent")
        #expect(entry["MESSAGE_ID"] == "6cba6f12ddc94c7aa879c7c28d838af9")
        #expect(entry["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
        #expect(entry["CODE_LINE"] == String(line))
        #expect(entry["CODE_FUNC"]?.hasPrefix("entriesCarryMessagePriorityIdentifierCodeLocationAndPassThroughFields") == true)
        #expect(entry["STAGESET"] == "payments")
        #expect(entry["STAGE"] == "app")
        #expect(entry["REVISION"] == "main@sha1:0123abcd")
        #expect(entry["AGENT_EVENT"] == "stage-applied")
        #expect(entry["AGENT_OBJECT_COUNT"] == "4")
        #expect(entry["AGENT_LOGGER"] == "stageset-agent.test")
        for name in entry.names {
            #expect(isJournalctlFieldName(name), "\(name) must be a field journalctl can match (upper-case, no leading _)")
        }
        #expect(Set(entry.names).count == entry.names.count, "no field is written twice")
    }

    @Test func multiLineValuesUseTheBinarySafeEncoding() throws {
        let harness = try Harness()
        let message = "apply failed:\nDeployment/payments/web: field is immutable\n\ttrailing tab\u{0}nul"
        harness.logger().error("\(message)", metadata: ["REASON": "StageFailed", "OBJECT": "Deployment/payments/web\nsecond=line"])
        let (entry, _) = try harness.entry()
        #expect(entry.field("MESSAGE")?.usedBinaryForm == true)
        #expect(entry["MESSAGE"] == message)
        #expect(entry.field("OBJECT")?.usedBinaryForm == true)
        #expect(entry["OBJECT"] == "Deployment/payments/web\nsecond=line")
        #expect(entry.field("REASON")?.usedBinaryForm == false)
        #expect(entry["PRIORITY"] == "3")
    }

    @Test func everyEngineEventHasItsOwnStableMessageID() throws {
        let harness = try Harness()
        let logger = harness.logger()
        for event in AgentEvent.allCases {
            logger.notice("event", metadata: ["event": "\(event.rawValue)"])
            #expect(try harness.entry().0["MESSAGE_ID"] == event.messageID)
        }
        let identifiers = AgentEvent.allCases.map(\.messageID)
        #expect(Set(identifiers).count == AgentEvent.allCases.count)
        for identifier in identifiers {
            #expect(identifier.range(of: "^[0-9a-f]{32}$", options: .regularExpression) != nil)
        }
        logger.notice("something else", metadata: ["event": "coffee-brewed"])
        let unknown = try harness.entry().0
        #expect(unknown["MESSAGE_ID"] == nil)
        #expect(unknown["AGENT_EVENT"] == "coffee-brewed")
    }

    @Test func swiftLogLevelsMapToSyslogPriorities() throws {
        let harness = try Harness()
        let logger = harness.logger()
        let expected: [(Logger.Level, String)] = [
            (.trace, "7"), (.debug, "7"), (.info, "6"), (.notice, "5"), (.warning, "4"), (.error, "3"), (.critical, "2"),
        ]
        for (level, priority) in expected {
            logger.log(level: level, "level \(level.rawValue)")
            #expect(try harness.entry().0["PRIORITY"] == priority)
        }
    }

    @Test func secretValuesNeverReachTheJournal() throws {
        let harness = try Harness()
        harness.logger().warning("credentials refreshed", metadata: [
            "password": "hunter2", "bearerToken": "eyJhbGciOi", "AGE_SECRET": "AGE-SECRET-KEY-1QQQ", "agekey": "AGE-SECRET-KEY-1XYZ",
            "secretName": "sops-age", "nested": ["apiKey": "k-123", "host": "example.invalid"],
        ])
        let datagram = try harness.receiver.receive()
        for secret in ["hunter2", "eyJhbGciOi", "AGE-SECRET-KEY-1QQQ", "AGE-SECRET-KEY-1XYZ", "k-123"] {
            #expect(!datagram.text.contains(secret), "\(secret) leaked")
        }
        let entry = try ParsedJournalEntry(datagram.bytes)
        #expect(entry["AGENT_PASSWORD"] == "<redacted>")
        #expect(entry["AGENT_BEARER_TOKEN"] == "<redacted>")
        #expect(entry["AGE_SECRET"] == "<redacted>")
        #expect(entry["AGENT_SECRET_NAME"] == "sops-age")
        #expect(entry["AGENT_NESTED"] == #"{"apiKey":"<redacted>","host":"example.invalid"}"#)
    }

    @Test func metadataKeysThatWouldShadowHandlerFieldsArePrefixed() throws {
        let harness = try Harness()
        harness.logger().info("real message", metadata: ["MESSAGE": "fake", "PRIORITY": "0", "_PID": "1", "9LIVES": "x", "ERRNO": "2"])
        let entry = try harness.entry().0
        #expect(entry.fields.filter { $0.name == "MESSAGE" }.map(\.text) == ["real message"])
        #expect(entry["PRIORITY"] == "6")
        #expect(entry["AGENT_MESSAGE"] == "fake")
        #expect(entry["AGENT_PRIORITY"] == "0")
        #expect(entry["AGENT_PID"] == "1")
        #expect(entry["AGENT_9_LIVES"] == "x")
        #expect(entry["ERRNO"] == "2")
        #expect(!entry.names.contains("_PID"))
    }

    @Test func oversizedEntriesTravelAsASealedMemoryFile() throws {
        let harness = try Harness(maximumDatagramSize: 4096)
        let message = String(repeating: "0123456789abcdef\n", count: 20_000)
        harness.logger().info("\(message)", metadata: ["STAGE": "app"])
        let (entry, passedAsFile) = try harness.entry()
        #expect(passedAsFile)
        #expect(entry["MESSAGE"] == message)
        #expect(entry["STAGE"] == "app")
    }

    @Test func entriesLargerThanTheSocketBufferFallBackToAMemoryFileByThemselves() throws {
        let harness = try Harness()
        let message = String(repeating: "x", count: 24 << 20)  // above any send buffer (wmem_max is capped at 8 MiB)
        harness.logger().info("\(message)")
        let (entry, passedAsFile) = try harness.entry()
        #expect(passedAsFile)
        #expect(entry["MESSAGE"]?.utf8.count == message.utf8.count)
    }

    @Test func anUnreachableJournalFallsBackToTheFallbackStream() throws {
        let scratch = try ScratchDirectory("journal")
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let socket = JournalSocket(path: scratch.file("no-journald.socket"))
        #expect(!socket.exists)
        let logger = Logger(label: "fallback") { label in
            JournalLogHandler(label: label, socket: socket, fallbackDescriptor: ends[1], fallbackUsesPriorityPrefix: true)
        }
        logger.error("cannot reach cluster", metadata: ["STAGESET": "payments", "token": "abc"])
        close(ends[1])
        let output = String(decoding: readAll(stream: ends[0]), as: UTF8.self)
        #expect(output == "<3>error STAGESET=payments cannot reach cluster token=<redacted>\n")
    }
}

/// Reads a pipe to its end.
func readAll(stream descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}
