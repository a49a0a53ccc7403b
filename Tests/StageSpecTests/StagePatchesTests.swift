import Testing
@testable import StageSpec

func stageWithPatches(_ patches: String) -> String {
    stageSet("""
        stages:
          - name: app
            sourceRef: {kind: GitRepository, name: config}
            patches:
        \(patches.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
        """) + "\n---\n" + gitSource
}

@Suite struct StagePatchesTests {
    @Test func decodesStrategicMergeAndJSON6902PatchesWithTargets() throws {
        let configuration = try load(stageWithPatches("""
            - patch: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 3}
            - patch: |
                - op: replace
                  path: /spec/replicas
                  value: 2
              target:
                group: apps
                version: v1
                kind: Deployment
                name: web-.*
                namespace: shop
                labelSelector: "app.kubernetes.io/part-of=shop, tier in (front,back), !legacy"
                annotationSelector: "example.com/rollout notin (off)"
            - patch: '[{"op": "add", "path": "/metadata/labels/x", "value": "y"}]'
              target: {kind: ConfigMap}
            """))
        let patches = try #require(configuration.stageSets.first?.spec.stages.first?.patches)
        #expect(patches.count == 3)
        #expect(patches[0].target == nil)
        #expect(patches[0].patch.hasPrefix("apiVersion: apps/v1\nkind: Deployment\n"))
        #expect(patches[1].target == PatchSelector(
            group: "apps", version: "v1", kind: "Deployment", name: "web-.*", namespace: "shop",
            labelSelector: "app.kubernetes.io/part-of=shop, tier in (front,back), !legacy",
            annotationSelector: "example.com/rollout notin (off)"))
        #expect(patches[1].target?.fields.map(\.name) == ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"])
        #expect(patches[2].target == PatchSelector(kind: "ConfigMap"))
    }

    @Test func aStageWithoutPatchesHasNone() throws {
        #expect(try load(stageSet(oneStage) + "\n---\n" + gitSource).stageSets.first?.spec.stages.first?.patches == [])
    }

    @Test func reportsEachBadPatchAtItsFieldPath() {
        let text = stageWithPatches("""
            - patch: ""
            - target: {kind: Deployment}
            - patch: "   "
            - patch: "kind: [unclosed"
            - patch: "- {op: replace, path: /spec/replicas, value: 2}"
            - patch: "- {op: upsert, path: /a}"
              target: {kind: X}
            - patch: "- {op: add, path: spec/replicas}"
              target: {kind: X}
            - patch: "- {op: add, path: /spec/replicas}"
              target: {kind: X}
            - patch: "- {op: move, path: /a}"
              target: {kind: X}
            - patch: "kind: Deployment\\nspec: {replicas: 1}"
            - patch: "kind: Deployment\\nmetadata: {name: web}"
            - patch: "just a string"
            - patch: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n---\\n- {op: remove, path: /a}"
              target: {kind: ConfigMap, labelSelector: "app in ()", bogus: 1, name: 7}
            - patch: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}"
              target: {annotationSelector: "-bad-=x"}
              extra: true
            - "not an object"
            """)
        let prefix = "a.yaml[0]: spec.stages[0].patches"
        let expected = [
            "\(prefix)[14]: must be an object, not string",
            "\(prefix)[0].patch: must not be empty",
            "\(prefix)[1].patch: required field is missing",
            "\(prefix)[2].patch: must not be empty",
            "\(prefix)[3].patch: not valid YAML or JSON: ",
            "\(prefix)[4].target: a JSON6902 patch (a list of operations) needs a target selecting the objects it applies to",
            "\(prefix)[5].patch: operation 0: unknown op \"upsert\" (allowed: add, remove, replace, move, copy, test)",
            "\(prefix)[6].patch: operation 0: path \"spec/replicas\" must be a JSON pointer starting with /",
            "\(prefix)[7].patch: operation 0: add needs a value",
            "\(prefix)[8].patch: operation 0: move needs from",
            "\(prefix)[9].patch: strategic-merge patch lacks apiVersion, metadata.name: without a target, kustomize finds the object to patch by the patch's apiVersion, kind and metadata.name",
            "\(prefix)[10].patch: strategic-merge patch lacks apiVersion: without a target, kustomize finds the object to patch by the patch's apiVersion, kind and metadata.name",
            "\(prefix)[11].patch: must be a strategic-merge patch (an object with apiVersion, kind and metadata.name) or a JSON6902 patch (a list of operations), not string",
            "\(prefix)[12].target.name: must be a string, not number",
            "\(prefix)[12].target.labelSelector: in needs at least one value",
            "\(prefix)[12].target.bogus: unknown field \"bogus\"",
            "\(prefix)[12].patch: document 1: must be a strategic-merge patch (an object with apiVersion, kind and metadata.name) or a JSON6902 patch (a list of operations), not array",
            "\(prefix)[13].target.annotationSelector: invalid label key \"-bad-\": the name must be at most 63 characters of [A-Za-z0-9_.-], starting and ending with a letter or digit",
            "\(prefix)[13].extra: unknown field \"extra\"",
        ]
        let found = issues([("a.yaml", text)])
        #expect(found.count == expected.count, "\(found)")
        for (line, wanted) in zip(found, expected) {
            // The YAML parser's own message follows "not valid YAML or JSON: ".
            #expect(wanted.hasSuffix(": ") ? line.hasPrefix(wanted) && line.count > wanted.count : line == wanted, "\(line)")
        }
    }

    @Test func patchesMustBeAList() {
        let text = stageSet("""
            stages:
              - name: app
                sourceRef: {kind: GitRepository, name: config}
                patches: {patch: x}
            """) + "\n---\n" + gitSource
        #expect(issues([("a.yaml", text)]) == ["a.yaml[0]: spec.stages[0].patches: must be a list, not object"])
    }

    @Test func checksLabelSelectorSyntax() {
        for valid in ["", "app", "!app", "app=web", "app==web", "app!=web", "a in (x, y)", "a notin (x)", "example.com/app=web,tier",
            "a=", "n > 3", "n<7"]
        {
            #expect(LabelSelectorSyntax.problem(in: valid) == nil, "\(valid)")
        }
        for invalid in ["app=web,", "a in x", "a in (x", "a = -x-", "n > x", "a b", "/app", "Upper.Case.com/app", ",a"] {
            #expect(LabelSelectorSyntax.problem(in: invalid) != nil, "\(invalid)")
        }
    }
}
