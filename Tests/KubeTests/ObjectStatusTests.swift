import Foundation
import JSON
import Kube
import KubeEmulator
import TestSupport
import Testing

/// kstatus rules (sigs.k8s.io/cli-utils `pkg/kstatus/status`), table-driven with objects shaped
/// like real ones, and against live objects whose status the emulator's stand-in controllers wrote.
@Suite struct ObjectStatusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let object: String
        let status: ObjectStatus
        let message: String
        var testDescription: String { name }
    }

    static let created = "2024-05-01T10:00:00Z"
    static let createdDate = Date(timeIntervalSince1970: 1_714_557_600)

    static func deployment(spec: String = #""replicas":3,"progressDeadlineSeconds":600"#, status: String, generation: Int = 2) -> String {
        #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","generation":\#(generation)},"spec":{\#(spec),"selector":{"matchLabels":{"app":"web"}}},"status":{\#(status)}}"#
    }

    static let availableConditions = #""conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable","message":"ReplicaSet \"web-7d4b9c\" has successfully progressed."}]"#

    static let generic: [Case] = [
        Case(name: "deletion timestamp wins over everything",
             object: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","deletionTimestamp":"2024-05-01T10:00:00Z","finalizers":["x"]}}"#,
             status: .terminating, message: "Resource scheduled for deletion"),
        Case(name: "unobserved generation",
             object: deployment(status: #""observedGeneration":1,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,\#(availableConditions)"#),
             status: .inProgress, message: "Deployment generation is 2, but latest observed generation is 1"),
        Case(name: "Reconciling=True",
             object: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":4},"status":{"observedGeneration":4,"conditions":[{"type":"Ready","status":"True"},{"type":"Reconciling","status":"True","reason":"Progressing","message":"scaling up"}]}}"#,
             status: .inProgress, message: "scaling up"),
        Case(name: "Stalled=True beats built-in rules",
             object: deployment(status: #""observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,"conditions":[{"type":"Stalled","status":"True","reason":"Broken","message":"cannot pull image"}]"#),
             status: .failed, message: "cannot pull image"),
        Case(name: "Ready=True",
             object: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"conditions":[{"type":"Ready","status":"True","reason":"Done","message":"all good"}]}}"#,
             status: .current, message: "Resource is Ready"),
        Case(name: "Ready=False is in progress, never failed",
             object: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"conditions":[{"type":"Ready","status":"False","reason":"Waiting","message":"waiting for backend"}]}}"#,
             status: .inProgress, message: "waiting for backend"),
        Case(name: "Ready=Unknown",
             object: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"conditions":[{"type":"Ready","status":"Unknown","message":"not yet"}]}}"#,
             status: .inProgress, message: "not yet"),
        Case(name: "custom resource without conditions is current at once",
             object: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":1},"spec":{"size":1}}"#,
             status: .current, message: "Resource is current"),
        Case(name: "malformed generation",
             object: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","generation":"two"},"status":{"observedGeneration":1}}"#,
             status: .unknown, message: "looking up metadata.generation from resource: not an integer"),
    ]

    static let workloads: [Case] = [
        Case(name: "deployment available",
             object: deployment(status: #""observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,\#(availableConditions)"#),
             status: .current, message: "Deployment is available. Replicas: 3"),
        Case(name: "deployment progress deadline exceeded",
             object: deployment(status: #""observedGeneration":2,"replicas":3,"updatedReplicas":1,"readyReplicas":2,"availableReplicas":2,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"ReplicaSet \"web-1\" has timed out progressing."}]"#),
             status: .failed, message: "Progress deadline exceeded"),
        Case(name: "deployment too few replicas",
             object: deployment(status: #""observedGeneration":2,"replicas":1"#), status: .inProgress, message: "Replicas: 1/3"),
        Case(name: "deployment rolling out",
             object: deployment(status: #""observedGeneration":2,"replicas":3,"updatedReplicas":1,"readyReplicas":3,"availableReplicas":3"#),
             status: .inProgress, message: "Updated: 1/3"),
        Case(name: "deployment old pods terminating",
             object: deployment(status: #""observedGeneration":2,"replicas":4,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3"#),
             status: .inProgress, message: "Pending termination: 1"),
        Case(name: "deployment not yet available",
             object: deployment(status: #""observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":2"#),
             status: .inProgress, message: "Available: 2/3"),
        Case(name: "deployment waiting for NewReplicaSetAvailable",
             object: deployment(status: #""observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,"conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True","reason":"ReplicaSetUpdated"}]"#),
             status: .inProgress, message: "ReplicaSet not Available"),
        Case(name: "deployment without progress deadline needs only Available",
             object: deployment(spec: #""replicas":2"#, status: #""observedGeneration":2,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2,"conditions":[{"type":"Available","status":"True"}]"#),
             status: .current, message: "Deployment is available. Replicas: 2"),
        Case(name: "deployment available condition false",
             object: deployment(spec: #""replicas":2"#, status: #""observedGeneration":2,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2,"conditions":[{"type":"Available","status":"False"}]"#),
             status: .inProgress, message: "Deployment not Available"),
        Case(name: "statefulset ready",
             object: #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"currentReplicas":2,"updatedReplicas":2,"currentRevision":"db-5b","updateRevision":"db-5b"}}"#,
             status: .current, message: "All replicas scheduled as expected. Replicas: 2"),
        Case(name: "statefulset revision mismatch",
             object: #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","generation":2},"spec":{"replicas":2},"status":{"observedGeneration":2,"replicas":2,"readyReplicas":2,"currentReplicas":2,"updatedReplicas":1,"currentRevision":"db-5b","updateRevision":"db-6c"}}"#,
             status: .inProgress, message: "Waiting for updated revision to match current"),
        Case(name: "statefulset not ready",
             object: #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"replicas":3},"status":{"replicas":3,"readyReplicas":1}}"#,
             status: .inProgress, message: "Ready: 1/3"),
        Case(name: "statefulset partitioned rollout",
             object: #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"replicas":4,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}},"status":{"replicas":4,"readyReplicas":4,"updatedReplicas":2}}"#,
             status: .current, message: "Partition rollout complete. updated: 2"),
        Case(name: "statefulset on delete",
             object: #"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"replicas":4,"updateStrategy":{"type":"OnDelete"}},"status":{"replicas":0}}"#,
             status: .current, message: "StatefulSet is using the ondelete update strategy"),
        Case(name: "daemonset never observed",
             object: #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","generation":1},"status":{}}"#,
             status: .inProgress, message: "DaemonSet status.observedGeneration not found"),
        Case(name: "daemonset rolling",
             object: #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":3,"currentNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":2,"numberReady":2}}"#,
             status: .inProgress, message: "Available: 2/3"),
        Case(name: "daemonset ready",
             object: #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":3,"currentNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":3,"numberReady":3}}"#,
             status: .current, message: "All replicas scheduled as expected. Replicas: 3"),
        Case(name: "replicaset failure condition",
             object: #"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1"},"spec":{"replicas":2},"status":{"replicas":0,"conditions":[{"type":"ReplicaFailure","status":"True","reason":"FailedCreate"}]}}"#,
             status: .inProgress, message: "Replica Failure condition. Check Pods"),
        Case(name: "replicaset ready",
             object: #"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1"},"spec":{"replicas":2},"status":{"replicas":2,"fullyLabeledReplicas":2,"readyReplicas":2,"availableReplicas":2}}"#,
             status: .current, message: "ReplicaSet is available. Replicas: 2"),
        Case(name: "legacy extensions deployment uses the deployment rule",
             object: #"{"apiVersion":"extensions/v1beta1","kind":"Deployment","metadata":{"name":"old"},"spec":{"replicas":2},"status":{"replicas":1}}"#,
             status: .inProgress, message: "Replicas: 1/2"),
    ]

    static func pod(_ status: String) -> String {
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"demo","creationTimestamp":"\#(created)"},"spec":{"containers":[{"name":"app","image":"busybox"}]},"status":{\#(status)}}"#
    }

    static let podsAndJobs: [Case] = [
        Case(name: "pod succeeded", object: pod(#""phase":"Succeeded""#), status: .current, message: "Pod has completed successfully"),
        Case(name: "pod failed phase counts as completed (upstream kstatus)", object: pod(#""phase":"Failed""#),
             status: .current, message: "Pod has completed, but not successfully"),
        Case(name: "pod running and ready", object: pod(#""phase":"Running","conditions":[{"type":"Ready","status":"True"}]"#),
             status: .current, message: "Pod is Ready"),
        Case(name: "pod crash looping",
             object: pod(#""phase":"Running","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"app","ready":false,"restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s restarting failed container"}}},{"name":"sidecar","ready":true,"state":{"running":{}}}]"#),
             status: .failed, message: "Containers in CrashLoop state: app"),
        Case(name: "pod running not ready", object: pod(#""phase":"Running","conditions":[{"type":"Ready","status":"False"}]"#),
             status: .inProgress, message: "Pod is running but is not Ready"),
        Case(name: "pod pending", object: pod(#""phase":"Pending""#), status: .inProgress, message: "Pod is in the Pending phase"),
        Case(name: "pod not observed", object: pod(""), status: .inProgress, message: "Pod phase not available"),
        Case(name: "pod unknown phase", object: pod(#""phase":"Exploded""#), status: .unknown, message: "unknown phase Exploded"),
        Case(name: "job complete",
             object: #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"completions":1},"status":{"succeeded":1,"startTime":"2024-05-01T10:00:00Z","conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}"#,
             status: .current, message: "Job Completed. succeeded: 1/1"),
        Case(name: "job failed",
             object: #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"completions":1,"backoffLimit":2},"status":{"failed":3,"startTime":"2024-05-01T10:00:00Z","conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}}"#,
             status: .failed, message: "Job Failed. failed: 3/1"),
        Case(name: "job not started",
             object: #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{},"status":{}}"#,
             status: .inProgress, message: "Job not started"),
        Case(name: "job running",
             object: #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"parallelism":2},"status":{"active":2,"startTime":"2024-05-01T10:00:00Z"}}"#,
             status: .current, message: "Job in progress. success:0, active: 2, failed: 0"),
        Case(name: "job suspended",
             object: #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"suspend":true},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}"#,
             status: .current, message: "Job is suspended"),
        Case(name: "cronjob always current",
             object: #"{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly"},"spec":{"schedule":"0 3 * * *"},"status":{"conditions":[{"type":"Ready","status":"False"}]}}"#,
             status: .current, message: "Resource is always ready"),
    ]

    static let others: [Case] = [
        Case(name: "pvc bound",
             object: #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"]},"status":{"phase":"Bound"}}"#,
             status: .current, message: "PVC is Bound"),
        Case(name: "pvc pending",
             object: #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"status":{"phase":"Pending"}}"#,
             status: .inProgress, message: "PVC is not Bound. phase: Pending"),
        Case(name: "load balancer without cluster IP",
             object: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]},"status":{"loadBalancer":{}}}"#,
             status: .inProgress, message: "ClusterIP not set. Service type: LoadBalancer"),
        Case(name: "load balancer with cluster IP (ingress not required by kstatus)",
             object: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIP":"10.96.0.20","ports":[{"port":80}]},"status":{"loadBalancer":{}}}"#,
             status: .current, message: "Service is ready"),
        Case(name: "cluster IP service",
             object: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"clusterIP":"10.96.0.10"}}"#,
             status: .current, message: "Service is ready"),
        Case(name: "pod disruption budget",
             object: #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"pdb","generation":1},"spec":{"minAvailable":1},"status":{"observedGeneration":1,"disruptionsAllowed":0}}"#,
             status: .current, message: "AllowedDisruptions has been computed."),
        Case(name: "secret", object: #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque"}"#,
             status: .current, message: "Resource is always ready"),
        Case(name: "configmap", object: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"status":{"conditions":[{"type":"Ready","status":"False"}]}}"#,
             status: .current, message: "Resource is always ready"),
        Case(name: "crd established",
             object: #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"status":{"conditions":[{"type":"NamesAccepted","status":"True","reason":"NoConflicts"},{"type":"Established","status":"True","reason":"InitialNamesAccepted"}]}}"#,
             status: .current, message: "CRD is established"),
        Case(name: "crd names not accepted",
             object: #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"status":{"conditions":[{"type":"NamesAccepted","status":"False","reason":"ListKindConflict","message":"\"WidgetList\" is already in use"},{"type":"Established","status":"False","reason":"NotAccepted"}]}}"#,
             status: .failed, message: "\"WidgetList\" is already in use"),
        Case(name: "crd installing",
             object: #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"status":{"conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"False","reason":"Installing","message":"the initial names have not been accepted"}]}}"#,
             status: .inProgress, message: "Install in progress"),
        Case(name: "crd without status",
             object: #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"}}"#,
             status: .inProgress, message: "Install in progress"),
    ]

    @Test(arguments: generic + workloads + podsAndJobs + others)
    func computesTheKstatusOfAnObject(_ testCase: Case) throws {
        let result = ObjectStatus.compute(try object(testCase.object), now: Self.createdDate.addingTimeInterval(3600))
        #expect(result.status == testCase.status, "\(testCase.name)")
        #expect(result.message == testCase.message, "\(testCase.name)")
    }

    @Test func unschedulablePodFailsOnlyAfterTheScheduleWindow() throws {
        let pending = try object(Self.pod(#""phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes are available"}]"#))
        let early = ObjectStatus.compute(pending, now: Self.createdDate.addingTimeInterval(5))
        #expect(early.status == .inProgress)
        #expect(early.message == "Pod has not been scheduled")
        let late = ObjectStatus.compute(pending, now: Self.createdDate.addingTimeInterval(16))
        #expect(late.status == .failed)
        #expect(late.message == "Pod could not be scheduled")
    }

    @Test func statusNamesMatchKstatus() {
        #expect(ObjectStatus.allCases.map(\.rawValue) == ["InProgress", "Current", "Failed", "Terminating", "NotFound", "Unknown"])
    }

    @Test(arguments: [("ready", ObjectStatus.current), ("progressing", .inProgress), ("failed", .failed)])
    func liveDeploymentsFromTheEmulatorAreClassified(_ readiness: String, _ expected: ObjectStatus) async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let text = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","annotations":{"emulator.stageset-agent.dev/readiness":"\#(readiness)"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"#
        _ = try await client.apply(try object(text))
        let live = try #require(try await client.get(ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web")))
        #expect(ObjectStatus.compute(live).status == expected, "\(live.at("status") ?? .null)")
    }

    @Test func liveJobPodPVCAndCRDFromTheEmulatorAreClassified() async throws {
        let fixture = try EmulatorFixture()
        let client = try fixture.client()
        let objects = [
            (#"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"done","namespace":"default"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}"#, ObjectStatus.current),
            (#"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"broken","namespace":"default","annotations":{"emulator.stageset-agent.dev/readiness":"failed"}},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}"#, .failed),
            (#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#, .current),
            (#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"default","annotations":{"emulator.stageset-agent.dev/readiness":"progressing"}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"#, .inProgress),
            (DiscoveryTests.widgetCRD, .current),
        ]
        for (text, expected) in objects {
            let applied = try await client.apply(try object(text))
            let reference = try ObjectReference(object: applied.object)
            let live = try #require(try await client.get(reference))
            #expect(ObjectStatus.compute(live).status == expected, "\(reference): \(live.at("status") ?? .null)")
        }
    }
}
