/// Line-based unified diffs (`diff -u` layout) for showing what an apply would change.
public enum UnifiedDiff {
    /// The diff of two texts, or an empty string when they are equal.
    public static func diff(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let newLines = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let operations = edits(oldLines, newLines)
        guard operations.contains(where: { $0.kind != .keep }) else { return "" }
        var output = "--- \(oldName)\n+++ \(newName)\n"
        var index = 0
        while index < operations.count {
            guard let changeStart = operations[index...].firstIndex(where: { $0.kind != .keep }) else { break }
            let hunkStart = max(index, changeStart - context)
            var hunkEnd = changeStart
            var lastChange = changeStart
            while hunkEnd < operations.count {
                if operations[hunkEnd].kind != .keep { lastChange = hunkEnd }
                if hunkEnd - lastChange > context * 2 { break }
                hunkEnd += 1
            }
            hunkEnd = min(operations.count, lastChange + context + 1)
            let hunk = operations[hunkStart..<hunkEnd]
            let oldStart = hunk.first?.oldIndex ?? 0
            let newStart = hunk.first?.newIndex ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            output += "@@ -\(oldStart + (oldCount > 0 ? 1 : 0)),\(oldCount) +\(newStart + (newCount > 0 ? 1 : 0)),\(newCount) @@\n"
            for operation in hunk {
                switch operation.kind {
                case .keep: output += " \(operation.text)\n"
                case .delete: output += "-\(operation.text)\n"
                case .insert: output += "+\(operation.text)\n"
                }
            }
            index = hunkEnd
        }
        return output
    }

    struct Edit {
        enum Kind { case keep, delete, insert }
        var kind: Kind
        var text: String
        var oldIndex: Int
        var newIndex: Int
    }

    /// A shortest edit script from the longest common subsequence (quadratic; objects are small).
    static func edits(_ old: [String], _ new: [String]) -> [Edit] {
        let rows = old.count
        let columns = new.count
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: columns + 1), count: rows + 1)
        if rows > 0 && columns > 0 {
            for row in stride(from: rows - 1, through: 0, by: -1) {
                for column in stride(from: columns - 1, through: 0, by: -1) {
                    lengths[row][column] = old[row] == new[column]
                        ? lengths[row + 1][column + 1] + 1 : max(lengths[row + 1][column], lengths[row][column + 1])
                }
            }
        }
        var result: [Edit] = []
        var row = 0
        var column = 0
        while row < rows || column < columns {
            if row < rows && column < columns && old[row] == new[column] {
                result.append(Edit(kind: .keep, text: old[row], oldIndex: row, newIndex: column))
                row += 1
                column += 1
            } else if row < rows && (column == columns || lengths[row + 1][column] >= lengths[row][column + 1]) {
                result.append(Edit(kind: .delete, text: old[row], oldIndex: row, newIndex: column))
                row += 1
            } else {
                result.append(Edit(kind: .insert, text: new[column], oldIndex: row, newIndex: column))
                column += 1
            }
        }
        return result
    }
}
