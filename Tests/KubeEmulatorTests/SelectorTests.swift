import Foundation
import Testing
@testable import KubeEmulator

@Suite struct SelectorTests {
    func names(_ response: TestCluster.Response) -> [String] {
        (response.json["items"].arrayValue ?? []).compactMap { $0.at("metadata.name").stringValue }
    }

    @Test func labelSelectorsFilterLists() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let objects = [("a", #"{"app":"web","tier":"front"}"#), ("b", #"{"app":"web","tier":"back"}"#), ("c", #"{"app":"db"}"#), ("d", "{}")]
        for (name, labels) in objects {
            try cluster.apply("/api/v1/namespaces/demo/configmaps/\(name)", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":\#(labels)}}"#, manager: "agent")
        }
        func select(_ selector: String) throws -> [String] {
            let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
            return names(try cluster.get("/api/v1/namespaces/demo/configmaps?labelSelector=\(encoded)"))
        }
        #expect(try select("app=web") == ["a", "b"])
        #expect(try select("app==web,tier=front") == ["a"])
        #expect(try select("app!=web") == ["c", "d"])
        #expect(try select("app in (web,db)") == ["a", "b", "c"])
        #expect(try select("app notin (web)") == ["c", "d"])
        #expect(try select("tier") == ["a", "b"])
        #expect(try select("!tier") == ["c", "d"])
        #expect(try cluster.get("/api/v1/namespaces/demo/configmaps?labelSelector=app%3D%3D%3D").status == 400)
    }

    @Test func fieldSelectorAndAllNamespaceLists() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("one")
        try cluster.createNamespace("two")
        for namespace in ["one", "two"] {
            for name in ["x", "y"] {
                try cluster.apply("/api/v1/namespaces/\(namespace)/configmaps/\(name)", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"}}"#, manager: "agent")
            }
        }
        let all = try cluster.get("/api/v1/configmaps")
        #expect(all.json["kind"] == .string("ConfigMapList"))
        #expect(names(all) == ["x", "y", "x", "y"])
        let byName = try cluster.get("/api/v1/configmaps?fieldSelector=metadata.name%3Dx")
        #expect((byName.json["items"].arrayValue ?? []).compactMap { $0.at("metadata.namespace").stringValue } == ["one", "two"])
        #expect(names(try cluster.get("/api/v1/namespaces/two/configmaps?fieldSelector=metadata.name!%3Dx")) == ["y"])
        #expect(try cluster.get("/api/v1/configmaps?fieldSelector=spec.foo%3Dx").status == 400)
    }
}
