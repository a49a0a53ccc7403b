import Foundation
import Testing
@testable import Rollout

@Suite struct UnifiedDiffTests {
    @Test func writesHunksLikeDiffU() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "line 5", with: "line five")
        let diff = UnifiedDiff.diff(old: old, new: new, oldName: "a", newName: "b", context: 2)
        #expect(diff == "--- a\n+++ b\n@@ -3,5 +3,5 @@\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n")
    }

    @Test func equalTextsHaveNoDiffAndNewFilesAreAllAdditions() {
        #expect(UnifiedDiff.diff(old: "a\nb", new: "a\nb", oldName: "x", newName: "y").isEmpty)
        let created = UnifiedDiff.diff(old: "", new: "a: 1\n", oldName: "x", newName: "y")
        #expect(created.contains("+a: 1"))
    }

    @Test func separatesDistantChangesIntoHunks() {
        let old = (1...30).map { "l\($0)" }
        var new = old
        new[2] = "changed-3"
        new[25] = "changed-26"
        let diff = UnifiedDiff.diff(old: old.joined(separator: "\n"), new: new.joined(separator: "\n"), oldName: "a", newName: "b")
        #expect(diff.components(separatedBy: "@@ ").count - 1 == 2)
    }
}
