import Testing
@testable import StageSpec

@Suite struct SemanticVersionRangeTests {
    func matches(_ range: String, _ version: String) -> Bool {
        SemanticVersionRange(range)!.contains(SemanticVersion(version)!)
    }

    @Test func parsesTagsAsFluxDoes() {
        #expect(SemanticVersion("v1.2.3") == SemanticVersion(major: 1, minor: 2, patch: 3))
        #expect(SemanticVersion("1.2") == SemanticVersion(major: 1, minor: 2))
        #expect(SemanticVersion("1.0.0-rc.1+build.5")?.prerelease == ["rc", "1"])
        #expect(SemanticVersion("release-1") == nil)
        #expect(SemanticVersion("01.2.3") == nil)
    }

    @Test func ordersPrereleasesBeforeReleases() {
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
        let versions = ordered.map { SemanticVersion($0)! }
        #expect(versions == versions.sorted())
    }

    @Test func evaluatesComparatorsAndShorthands() {
        #expect(matches(">=1.0.0 <2.0.0", "1.9.9"))
        #expect(!matches(">=1.0.0 <2.0.0", "2.0.0"))
        #expect(matches(">= 1.0, < 2", "1.5.0"))
        #expect(matches("1.2.x", "1.2.9"))
        #expect(!matches("1.2.x", "1.3.0"))
        #expect(matches("~1.2.3", "1.2.9"))
        #expect(!matches("~1.2.3", "1.3.0"))
        #expect(matches("^1.2.3", "1.9.0"))
        #expect(!matches("^0.2.3", "0.3.0"))
        #expect(matches("1.2 - 1.4.5", "1.4.5"))
        #expect(!matches("1.2 - 1.4.5", "1.4.6"))
        #expect(matches("<1.0.0 || >=3.0.0", "3.1.0"))
        #expect(matches("*", "0.0.1"))
        #expect(matches("!=1.2.3", "1.2.4"))
    }

    @Test func prereleasesMatchOnlyWhenTheRangeNamesOne() {
        #expect(!matches(">=1.0.0", "1.1.0-rc.1"))
        #expect(matches(">=1.1.0-rc.0", "1.1.0-rc.1"))
    }

    @Test func rejectsInvalidRanges() {
        for text in ["", ">=1.0 <<2", "abc", "1.2.3.4", "~"] {
            #expect(SemanticVersionRange(text) == nil, "\(text)")
        }
    }
}
