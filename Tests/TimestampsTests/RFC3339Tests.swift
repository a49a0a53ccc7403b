import Foundation
import TestSupport
import Testing
import Timestamps

/// RFC 3339 text read and written as GNU `date` (the real peer) reads and writes it.
@Suite struct RFC3339Tests {
    @Test(arguments: [
        "2024-05-01T12:00:00Z", "2024-05-01t12:00:00z", "2024-05-01 12:00:00Z", "2024-05-01T12:00:00.5+02:00",
        "1999-12-31T23:59:59.123456789-07:30", "2024-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
        "2400-02-29T08:00:00+00:00",
    ])
    func parsesTheInstantDateReads(_ text: String) throws {
        let expected = try Shell.check("date", ["-u", "-d", text, "+%s.%N"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = try #require(RFC3339.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - Double(expected)!) < 1e-6, "\(text): \(parsed.timeIntervalSince1970) vs \(expected)")
    }

    @Test(arguments: [
        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00:00",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00Zjunk", "2024-5-01T12:00:00Z", "",
    ])
    func rejectsWhatIsNotADateTime(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test(arguments: [0, 951_782_400, 1_714_564_800, -86_401, 4_107_542_399])
    func formatsAsDateDoes(_ seconds: Int) throws {
        let expected = try Shell.check("date", ["-u", "-d", "@\(seconds)", "+%Y-%m-%dT%H:%M:%SZ"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(RFC3339.format(secondsSinceEpoch: seconds) == expected)
        #expect(RFC3339.parse(expected)?.timeIntervalSince1970 == Double(seconds))
    }

    @Test func formatsFractionsTruncatedToTheRequestedDigits() {
        #expect(RFC3339.format(secondsSinceEpoch: 0, nanoseconds: 123_456_789, fractionDigits: 6) == "1970-01-01T00:00:00.123456Z")
        #expect(RFC3339.format(secondsSinceEpoch: 0, nanoseconds: 5_000_000, fractionDigits: 3) == "1970-01-01T00:00:00.005Z")
    }

    @Test func nowIsTheRealTimeClock() throws {
        let before = Date().timeIntervalSince1970
        let now = try #require(RFC3339.parse(RFC3339.now(fractionDigits: 6))).timeIntervalSince1970
        #expect(now >= before.rounded(.down) - 1 && now <= Date().timeIntervalSince1970 + 1)
    }
}
