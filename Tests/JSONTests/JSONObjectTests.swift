import Testing
@testable import JSON

/// `JSONObject` behaves the same below and above the size at which it starts indexing its keys.
@Suite struct JSONObjectTests {
    @Test(arguments: [3, 12, 13, 40])
    func membersKeepOrderThroughSetsReplacementsAndRemovals(size: Int) {
        var object = JSONObject()
        for index in 0..<size { object["k\(index)"] = .integer(index) }
        #expect(object.keys == (0..<size).map { "k\($0)" })
        #expect(object.updateValue(.string("new"), forKey: "k1") == .integer(1))
        #expect(object.keys[1] == "k1" && object["k1"] == .string("new"))
        #expect(object.removeValue(forKey: "k0") == .integer(0))
        #expect(object.removeValue(forKey: "missing") == nil)
        #expect(object["k0"] == nil && !object.contains("k0") && object.count == size - 1)
        #expect(object["k\(size - 1)"] == .integer(size - 1))
        object["k0"] = .null
        #expect(object.keys.last == "k0" && object.contains("k0"))
        #expect(Array(object.map(\.key)) == object.keys)
        #expect(object.sortedMembers.map(\.key) == object.keys.sorted())
    }

    @Test(arguments: [4, 30])
    func equalityAndHashIgnoreMemberOrder(size: Int) {
        let forward = JSONObject((0..<size).map { ("k\($0)", JSONValue.integer($0)) })
        let backward = JSONObject((0..<size).reversed().map { ("k\($0)", JSONValue.integer($0)) })
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        var changed = backward
        changed["k0"] = .integer(-1)
        #expect(forward != changed)
        #expect(Set([forward, backward, changed]).count == 2)
    }

    @Test func nestedSetCreatesIntermediateObjectsAndKeepsPositions() {
        let value: JSONValue = ["apiVersion": "v1", "metadata": ["name": "a", "labels": "not an object"], "data": [:]]
        guard var object = value.objectValue else { Issue.record("not an object"); return }
        object.set(.string("x"), at: ["metadata", "labels", "app"])
        object.set(.string("y"), at: ["spec", "template", "name"])
        #expect(object.keys == ["apiVersion", "metadata", "data", "spec"])
        #expect(object["metadata"]?.objectValue?.keys == ["name", "labels"])
        #expect(object["metadata"]?["labels"]?["app"] == .string("x"))
        #expect(object["spec"]?["template"]?["name"] == .string("y"))
    }
}
