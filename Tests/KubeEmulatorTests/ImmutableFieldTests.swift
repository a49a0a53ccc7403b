import Foundation
import Testing
@testable import KubeEmulator

@Suite struct ImmutableFieldTests {
    /// Applies `first`, then `second`; returns the second answer.
    func applyTwice(_ cluster: TestCluster, _ path: String, _ first: String, _ second: String) throws -> TestCluster.Response {
        let created = try cluster.apply(path, first, manager: "agent")
        #expect(created.status == 201, "\(created.body)")
        return try cluster.apply(path, second, manager: "agent", force: true)
    }

    func expectInvalid(_ response: TestCluster.Response, field: String, message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 422, "\(response.body)", sourceLocation: sourceLocation)
        #expect(response.json["reason"] == .string("Invalid"), sourceLocation: sourceLocation)
        #expect(response.json["kind"] == .string("Status"), sourceLocation: sourceLocation)
        #expect(response.json.at("details.causes.0.field") == .string(field), sourceLocation: sourceLocation)
        #expect(response.json["message"] == .string(message), sourceLocation: sourceLocation)
    }

    static func deployment(_ app: String) -> String {
        #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"\#(app)"}},"template":{"metadata":{"labels":{"app":"\#(app)"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"#
    }

    @Test func deploymentSelectorIsImmutable() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let response = try applyTwice(cluster, "/apis/apps/v1/namespaces/demo/deployments/web", Self.deployment("web"), Self.deployment("web2"))
        expectInvalid(response, field: "spec.selector",
                      message: #"Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"#)
        #expect(response.json.at("details.causes.0.reason") == .string("FieldValueInvalid"))
        #expect(response.json.at("details.group") == .string("apps"))
        #expect(response.json.at("details.kind") == .string("Deployment"))
    }

    @Test func jobTemplateAndSelectorAreImmutable() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        func job(_ image: String) -> String {
            #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"m","image":"\#(image)"}]}}}}"#
        }
        let response = try applyTwice(cluster, "/apis/batch/v1/namespaces/demo/jobs/migrate", job("tool:1"), job("tool:2"))
        #expect(response.status == 422)
        #expect(response.json.at("details.causes.0.field") == .string("spec.template"))
        #expect(response.json["message"].stringValue?.hasPrefix(#"Job.batch "migrate" is invalid: spec.template: Invalid value: "#) == true)
        #expect(response.json["message"].stringValue?.hasSuffix(": field is immutable") == true)
    }

    @Test func statefulSetSpecIsImmutableExceptTheAllowedFields() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        func statefulSet(replicas: Int, service: String) -> String {
            #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"replicas":\#(replicas),"serviceName":"\#(service)","selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"pg"}]}}}}"#
        }
        let path = "/apis/apps/v1/namespaces/demo/statefulsets/db"
        #expect(try applyTwice(cluster, path, statefulSet(replicas: 1, service: "db"), statefulSet(replicas: 3, service: "db")).status == 200)
        let response = try cluster.apply(path, statefulSet(replicas: 3, service: "other"), manager: "agent")
        expectInvalid(response, field: "spec",
                      message: #"StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"#)
        #expect(response.json.at("details.causes.0.reason") == .string("FieldValueForbidden"))
    }

    @Test func serviceClusterIPCannotChangeOnceSet() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let path = "/api/v1/namespaces/demo/services/web"
        let created = try cluster.apply(path, #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}"#, manager: "agent")
        #expect(created.json.at("spec.clusterIP").stringValue?.isEmpty == false)
        let response = try cluster.apply(path, #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"clusterIP":"10.0.0.99","ports":[{"port":80}]}}"#, manager: "agent")
        expectInvalid(response, field: "spec.clusterIPs[0]",
                      message: #"Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.0.0.99"}: may not change once set"#)
    }

    @Test func persistentVolumeClaimSpecIsImmutableExceptStorageGrowth() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        func claim(_ size: String, mode: String = "ReadWriteOnce") -> String {
            #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["\#(mode)"],"resources":{"requests":{"storage":"\#(size)"}}}}"#
        }
        let path = "/api/v1/namespaces/demo/persistentvolumeclaims/data"
        #expect(try applyTwice(cluster, path, claim("1Gi"), claim("2Gi")).status == 200)
        expectInvalid(try cluster.apply(path, claim("2Gi", mode: "ReadWriteMany"), manager: "agent"), field: "spec",
                      message: #"PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"#)
        expectInvalid(try cluster.apply(path, claim("1Gi"), manager: "agent"), field: "spec.resources.requests.storage",
                      message: #"PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value"#)
    }

    @Test func persistentVolumeSourceIsImmutable() throws {
        let cluster = try TestCluster()
        func volume(_ path: String) -> String {
            #"{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv1"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"\#(path)"}}}"#
        }
        let response = try applyTwice(cluster, "/api/v1/persistentvolumes/pv1", volume("/a"), volume("/b"))
        expectInvalid(response, field: "spec.persistentvolumesource",
                      message: #"PersistentVolume "pv1" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"#)
    }

    @Test func immutableConfigMapAndSecretDataCannotChange() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let configMap = try applyTwice(cluster, "/api/v1/namespaces/demo/configmaps/frozen",
                                       #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"frozen"},"immutable":true,"data":{"a":"1"}}"#,
                                       #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"frozen"},"immutable":true,"data":{"a":"2"}}"#)
        expectInvalid(configMap, field: "data", message: "ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set")
        let secret = try applyTwice(cluster, "/api/v1/namespaces/demo/secrets/frozen",
                                    #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"frozen"},"immutable":true,"data":{"a":"MQ=="}}"#,
                                    #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"frozen"},"immutable":true,"data":{"a":"Mg=="}}"#)
        expectInvalid(secret, field: "data", message: "Secret \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set")
    }

    @Test func secretTypeIsImmutable() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let response = try applyTwice(cluster, "/api/v1/namespaces/demo/secrets/s",
                                      #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","stringData":{"a":"1"}}"#,
                                      #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"example.com/other","stringData":{"a":"1"}}"#)
        expectInvalid(response, field: "type", message: #"Secret "s" is invalid: type: Invalid value: "example.com/other": field is immutable"#)
    }

    @Test func roleBindingRoleRefIsImmutable() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        func binding(_ role: String) -> String {
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"\#(role)"},"subjects":[{"kind":"User","name":"alice"}]}"#
        }
        let response = try applyTwice(cluster, "/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings/rb", binding("view"), binding("edit"))
        expectInvalid(response, field: "roleRef",
                      message: #"RoleBinding.rbac.authorization.k8s.io "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef"#)
        let cluster2 = try applyTwice(cluster, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/crb",
                                      binding("view").replacingOccurrences(of: "RoleBinding", with: "ClusterRoleBinding").replacingOccurrences(of: "\"rb\"", with: "\"crb\""),
                                      binding("admin").replacingOccurrences(of: "RoleBinding", with: "ClusterRoleBinding").replacingOccurrences(of: "\"rb\"", with: "\"crb\""))
        #expect(cluster2.status == 422)
        #expect(cluster2.json.at("details.causes.0.field") == .string("roleRef"))
    }
}
