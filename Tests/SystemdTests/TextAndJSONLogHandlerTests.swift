import Foundation
import Logging
import Systemd
import Testing
import TestSupport

/// Captures what a stream handler writes, through a real pipe.
private func capture(_ body: (Int32) -> Void) -> String {
    var ends: [Int32] = [0, 0]
    precondition(pipe(&ends) == 0)
    body(ends[1])
    close(ends[1])
    defer { close(ends[0]) }
    return String(decoding: readAll(stream: ends[0]), as: UTF8.self)
}

@Suite struct TextAndJSONLogHandlerTests {
    @Test func textLinesLeadWithLevelAndJournalFieldsThenMessageThenOtherMetadata() {
        let output = capture { descriptor in
            var logger = Logger(label: "text") { TextLogHandler(label: $0, descriptor: descriptor) }
            logger[metadataKey: "STAGESET"] = "payments"
            logger.warning("stage app not ready yet", metadata: [
                "OBJECT": "Deployment/payments/web", "STAGE": "app", "REASON": "StageProgressing", "ZONE": "b",
                "event": "stage-ready", "detail": "2 of 3 replicas", "password": "hunter2",
            ])
        }
        #expect(output == """
            warning STAGESET=payments STAGE=app REASON=StageProgressing OBJECT=Deployment/payments/web ZONE=b stage app not ready yet \
            detail="2 of 3 replicas" event=stage-ready password=<redacted>

            """)
    }

    @Test func textLinesKeepMultiLineMessagesTogether() {
        let output = capture { descriptor in
            let logger = Logger(label: "text") { TextLogHandler(label: $0, descriptor: descriptor) }
            logger.error("apply failed:\nfield is immutable", metadata: ["STAGE": "app", "note": "a\nb"])
        }
        #expect(output == "error STAGE=app apply failed:\n    field is immutable note=\"a\\nb\"\n")
    }

    @Test func jsonLinesAreOneParseableObjectPerEntry() throws {
        let output = capture { descriptor in
            var logger = Logger(label: "json") { JSONLinesLogHandler(label: $0, descriptor: descriptor) }
            logger[metadataKey: "STAGESET"] = "payments"
            logger.info("stage \"app\" applied\nin 3s", metadata: [
                "STAGE": "app", "event": "stage-applied", "message": "shadow", "objects": ["a", "b"], "secret": "s3cr3t",
            ])
            logger.debug("not logged at info")
            logger.error("second")
        }
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["level"] as? String == "info")
        #expect(first["priority"] as? Int == 6)
        #expect(first["message"] as? String == "stage \"app\" applied\nin 3s")
        #expect(first["message_id"] as? String == AgentEvent.stageApplied.messageID)
        #expect(first["STAGESET"] as? String == "payments")
        #expect(first["STAGE"] as? String == "app")
        #expect(first["event"] as? String == "stage-applied")
        #expect(first["metadata.message"] as? String == "shadow")
        #expect(first["objects"] as? [String] == ["a", "b"])
        #expect(first["secret"] as? String == "<redacted>")
        #expect(first["logger"] as? String == "json")
        #expect((first["file"] as? String)?.hasSuffix("TextAndJSONLogHandlerTests.swift") == true)
        #expect(first["line"] is Int)
        let time = try #require(first["time"] as? String)
        #expect(time.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#, options: .regularExpression) != nil)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["message"] as? String == "second")
        #expect(second["message_id"] == nil)
    }

    @Test func metadataProvidersAndHandlerMetadataAreMergedWithCallSiteWinning() {
        let provider = Logger.MetadataProvider { ["STAGESET": "from-provider", "REVISION": "r1"] }
        let output = capture { descriptor in
            var logger = Logger(label: "text") { TextLogHandler(label: $0, descriptor: descriptor, metadataProvider: provider) }
            logger[metadataKey: "STAGESET"] = "from-handler"
            logger[metadataKey: "STAGE"] = "app"
            logger.info("merged", metadata: ["REVISION": "r2"])
        }
        #expect(output == "info STAGESET=from-provider STAGE=app REVISION=r2 merged\n")
    }
}
