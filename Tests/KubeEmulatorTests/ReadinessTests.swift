import Testing
@testable import KubeEmulator

@Suite struct ReadinessTests {
    static func deployment(_ readiness: String?, replicas: Int = 3) -> String {
        let annotations = readiness.map { #","annotations":{"emulator.stageset-agent.dev/readiness":"\#($0)"}"# } ?? ""
        return #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"\#(annotations)},"spec":{"replicas":\#(replicas),"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"#
    }

    static func condition(_ object: JSONValue, _ type: String) -> JSONValue? {
        (object.at("status.conditions").arrayValue ?? []).first { $0["type"] == .string(type) }
    }

    @Test func readyDeploymentReportsACompleteRollout() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let object = try cluster.apply("/apis/apps/v1/namespaces/demo/deployments/web", Self.deployment(nil), manager: "agent").json
        #expect(object.at("status.observedGeneration") == .integer(1))
        for field in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"] {
            #expect(object.at("status.\(field)") == .integer(3))
        }
        #expect(Self.condition(object, "Available")?["status"] == .string("True"))
        #expect(Self.condition(object, "Progressing")?["reason"] == .string("NewReplicaSetAvailable"))
    }

    @Test func progressingAndFailedAnnotationsShapeTheStatus() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let progressing = try cluster.apply("/apis/apps/v1/namespaces/demo/deployments/web", Self.deployment("progressing"), manager: "agent").json
        #expect(progressing.at("status.updatedReplicas") == .integer(0))
        #expect(Self.condition(progressing, "Progressing")?["status"] == .string("True"))
        #expect(Self.condition(progressing, "Available")?["status"] == .string("False"))
        let failed = try cluster.apply("/apis/apps/v1/namespaces/demo/deployments/web", Self.deployment("failed"), manager: "agent").json
        #expect(Self.condition(failed, "Progressing")?["status"] == .string("False"))
        #expect(Self.condition(failed, "Progressing")?["reason"] == .string("ProgressDeadlineExceeded"))

        let job = try cluster.apply("/apis/batch/v1/namespaces/demo/jobs/j", #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","annotations":{"emulator.stageset-agent.dev/readiness":"failed"}},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"j","image":"busybox"}]}}}}"#, manager: "agent").json
        #expect(Self.condition(job, "Failed")?["status"] == .string("True"))
        let pod = try cluster.apply("/api/v1/namespaces/demo/pods/p", #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"emulator.stageset-agent.dev/readiness":"failed"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#, manager: "agent").json
        #expect(pod.at("status.phase") == .string("Failed"))
    }

    @Test func readyAfterTurnsReadyOnceTheDurationHasPassed() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let path = "/apis/apps/v1/namespaces/demo/deployments/web"
        let first = try cluster.apply(path, Self.deployment("ready-after=1s"), manager: "agent").json
        #expect(first.at("status.updatedReplicas") == .integer(0))
        #expect(try cluster.eventually { try cluster.get(path).json.at("status.availableReplicas") == .integer(3) })
        let later = try cluster.get(path).json
        #expect(Self.condition(later, "Available")?["status"] == .string("True"))
        #expect(Int(later.at("metadata.resourceVersion").stringValue ?? "") ?? 0 > Int(first.at("metadata.resourceVersion").stringValue ?? "") ?? 0)
    }

    @Test func globalDefaultAppliesToObjectsWithoutAnnotation() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        cluster.emulator.setDefaultReadiness(.progressing)
        let job = try cluster.apply("/apis/batch/v1/namespaces/demo/jobs/j", #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"j","image":"busybox"}]}}}}"#, manager: "agent").json
        #expect(job.at("status.active") == .integer(1))
        #expect(Self.condition(job, "Complete") == nil)
        cluster.emulator.setDefaultReadiness(.ready)
        let done = try cluster.apply("/apis/batch/v1/namespaces/demo/jobs/k", #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"k"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"j","image":"busybox"}]}}}}"#, manager: "agent").json
        #expect(Self.condition(done, "Complete")?["status"] == .string("True"))
        #expect(done.at("status.succeeded") == .integer(1))
    }

    @Test func podsClaimsAndLoadBalancersGetControllerStatus() throws {
        let cluster = try TestCluster()
        try cluster.createNamespace("demo")
        let pod = try cluster.apply("/api/v1/namespaces/demo/pods/p", #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#, manager: "agent").json
        #expect(pod.at("status.phase") == .string("Running"))
        #expect(Self.condition(pod, "Ready")?["status"] == .string("True"))
        let claim = try cluster.apply("/api/v1/namespaces/demo/persistentvolumeclaims/c", #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"c"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"#, manager: "agent").json
        #expect(claim.at("status.phase") == .string("Bound"))
        let service = try cluster.apply("/api/v1/namespaces/demo/services/lb", #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[{"port":443}]}}"#, manager: "agent").json
        #expect(service.at("status.loadBalancer.ingress.0.ip").stringValue != nil)
        #expect(service.at("spec.ports.0.nodePort").intValue != nil)
        let statefulSet = try cluster.apply("/apis/apps/v1/namespaces/demo/statefulsets/s", #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"replicas":2,"serviceName":"s","selector":{"matchLabels":{"app":"s"}},"template":{"metadata":{"labels":{"app":"s"}},"spec":{"containers":[{"name":"s","image":"x"}]}}}}"#, manager: "agent").json
        #expect(statefulSet.at("status.readyReplicas") == .integer(2))
        #expect(statefulSet.at("status.currentRevision") == statefulSet.at("status.updateRevision"))
    }
}
