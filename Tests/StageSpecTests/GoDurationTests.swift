import Testing
@testable import StageSpec

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("1m30s", Duration.seconds(90)), ("1.5h", .seconds(5400)), ("300ms", .milliseconds(300)), ("0", .zero),
        ("2h45m", .seconds(9900)), ("10us", .microseconds(10)), ("10µs", .microseconds(10)), ("-1m", .seconds(-60)), ("1h0m0s", .seconds(3600)),
    ])
    func parsesGoSyntax(_ text: String, _ expected: Duration) {
        #expect(GoDuration.parse(text) == expected)
    }

    @Test(arguments: ["", "1", "5 minutes", "1d", "m", "1.2.3s", ".s", "1m30", "--1s"])
    func rejectsOtherSyntax(_ text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test func formatsLikeGo() {
        #expect(GoDuration.format(.seconds(90)) == "1m30s")
        #expect(GoDuration.format(.seconds(3600)) == "1h0m0s")
        #expect(GoDuration.format(.milliseconds(1500)) == "1.5s")
        #expect(GoDuration.format(.milliseconds(300)) == "300ms")
        #expect(GoDuration.format(.zero) == "0s")
    }
}
