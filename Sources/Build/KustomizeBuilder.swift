import Fetch
import HostProcess
import JSON
import StageSpec
import YAML

/// Builds a stage with an external kustomize, as the StageSet controller builds every stage:
/// the (already decrypted) file map is written to a private directory on tmpfs (0700 directories,
/// 0600 files, removed afterwards even on failure), remote bases are refused before kustomize
/// runs, kustomize builds with the default root-only load restrictor, and its YAML output is read
/// with `ManifestReader`.
///
/// - A stage directory with its own kustomization is built as it is; its `patches` go into a
///   generated overlay (`resources: [<stage directory>]` + `patches`). kustomize matches patch
///   targets by an object's current or original name, so targets written against the base names
///   keep working; unlike the controller (which appends the patches to the stage's own
///   kustomization) they apply after the stage kustomization's own transformers.
/// - A stage directory without one gets the kustomization Flux's generator writes: every
///   `.yaml`/`.yml` file (and, unlike Flux, `.json`, which the plain build reads too) as a
///   resource, except that a subdirectory holding a kustomization is listed as one directory
///   resource; then the `patches`. A directory holding only a JaaS `rendered.json` lists the
///   objects `JsonnetOutputExtractor` finds in it.
public enum KustomizeBuilder {
    static let sourceDirectory = "source"
    static let overlayDirectory = "overlay"
    static let renderedManifestsFile = "rendered.yaml"

    /// Builds the stage at `path` of `files` with `patches`.
    public static func build(files: FileMap, path: String, patches: [KustomizePatch], options: BuildOptions) async throws(BuildError)
        -> [ManifestObject]
    {
        let directory = FileMap.normalizedDirectory(path)
        let display = StageBuilder.displayPath(directory)
        let stageFiles = files.subtree(directory)
        let ownKustomization = RemoteResourceGuard.kustomizationFile(in: directory, files: files)

        var generated: JSONObject?
        var renderedManifests: [UInt8]?
        if ownKustomization != nil {
            try RemoteResourceGuard.check(files: files, directories: [directory])
        } else {
            var resources: [String] = []
            if stageFiles.paths == [JaaSSource.renderedFileName] {
                let objects = try JsonnetOutputExtractor.objects(
                    in: stageFiles[JaaSSource.renderedFileName] ?? [], file: join(directory, JaaSSource.renderedFileName))
                renderedManifests = Array(YAMLEmitter().emitDocuments(objects.map { .object($0.value) }).utf8)
                resources = [renderedManifestsFile]
            } else {
                let listing = resourceListing(stageFiles)
                try RemoteResourceGuard.check(files: files, directories: listing.kustomizationDirectories.map { join(directory, $0) })
                resources = listing.resources
            }
            if resources.isEmpty {
                throw BuildError(code: .noManifests, message: "no manifests in \(display)")
            }
            generated = kustomization(resources: resources, patches: patches)
        }

        guard let executable = KustomizeExecutable.locate(searchPath: options.searchPath) else {
            let why = ownKustomization.map { "\($0) is a kustomization" } ?? "the stage has patches, which kustomize applies"
            throw BuildError(code: .kustomizeMissing,
                message: "cannot build \(display): \(why), and neither kustomize nor kubectl is in the search path (\(options.searchPath)); install kustomize or kubectl on the host")
        }

        let workspace: PrivateTemporaryDirectory
        do {
            if let parent = options.temporaryParent {
                workspace = try PrivateTemporaryDirectory(parent: parent, prefix: "stageset-build")
            } else {
                workspace = try PrivateTemporaryDirectory(prefix: "stageset-build")
            }
        } catch {
            throw BuildError(code: .kustomizeFailed, message: "cannot build \(display): \(error.message)")
        }
        defer { workspace.remove() }

        try PrivateBuildTree.write(files, under: sourceDirectory, in: workspace)
        let stageDirectory = join(sourceDirectory, directory)
        var buildDirectory = stageDirectory
        if let generated {
            if let renderedManifests {
                try PrivateBuildTree.write(renderedManifestsFile, renderedManifests, under: stageDirectory, in: workspace)
            }
            try PrivateBuildTree.write("kustomization.yaml", Array(YAMLEmitter().emit(.object(generated)).utf8), under: stageDirectory, in: workspace)
        } else if !patches.isEmpty {
            let overlay = kustomization(resources: ["../" + stageDirectory], patches: patches)
            try PrivateBuildTree.write("kustomization.yaml", Array(YAMLEmitter().emit(.object(overlay)).utf8), under: overlayDirectory, in: workspace)
            buildDirectory = overlayDirectory
        }

        let output = try await run(executable, building: buildDirectory, in: workspace, display: display, options: options)
        let objects = try ManifestReader.objects(in: output, file: "\(display) (kustomize build)")
        guard !objects.isEmpty else {
            throw BuildError(code: .noManifests, message: "no manifests in \(display): kustomize built nothing")
        }
        return objects
    }

    /// The generated kustomization: resources, then the stage's patches in Flux's `Patch` shape.
    static func kustomization(resources: [String], patches: [KustomizePatch]) -> JSONObject {
        var object = JSONObject()
        object["apiVersion"] = "kustomize.config.k8s.io/v1beta1"
        object["kind"] = "Kustomization"
        object["resources"] = .array(resources.map { .string($0) })
        if !patches.isEmpty {
            object["patches"] = .array(patches.map { patch in
                var entry = JSONObject()
                entry["patch"] = .string(patch.patch)
                if let target = patch.target {
                    entry["target"] = .object(JSONObject(target.fields.map { ($0.name, JSONValue.string($0.value)) }))
                }
                return .object(entry)
            })
        }
        return object
    }

    /// Flux's generator listing for a directory without a kustomization: manifest files, and
    /// subdirectories holding a kustomization as single resources (not descended into).
    static func resourceListing(_ stageFiles: FileMap) -> (resources: [String], kustomizationDirectories: [String]) {
        var resources: [String] = []
        var directories: [String] = []
        for path in stageFiles.paths {
            let segments = path.split(separator: "/").map(String.init)
            var claimed = false
            for depth in 1..<max(segments.count, 1) {
                let directory = segments[0..<depth].joined(separator: "/")
                if RemoteResourceGuard.kustomizationFile(in: directory, files: stageFiles) != nil {
                    if !directories.contains(directory) {
                        directories.append(directory)
                        resources.append(directory)
                    }
                    claimed = true
                    break
                }
            }
            if !claimed && ManifestReader.isManifestFile(path) {
                resources.append(path)
            }
        }
        return (resources, directories)
    }

    private static func run(
        _ executable: KustomizeExecutable, building buildDirectory: String, in workspace: PrivateTemporaryDirectory, display: String,
        options: BuildOptions
    ) async throws(BuildError) -> [UInt8] {
        let request = ProcessRequest(
            executable: executable.path, arguments: executable.arguments(building: workspace.path + "/" + buildDirectory),
            environment: ["HOME": workspace.path, "TMPDIR": workspace.path, "LC_ALL": "C", "LANG": "C"], isolatedEnvironment: true,
            workingDirectory: workspace.path, timeout: options.kustomizeTimeout, outputLimit: options.maximumOutputBytes)
        let command = executable.flavor == .kustomize ? "kustomize build" : "kubectl kustomize"
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(request)
        } catch let error as ProcessError {
            switch error.code {
            case .executableNotFound:
                throw BuildError(code: .kustomizeMissing, message: "cannot build \(display): \(executable.path) is missing")
            case .timedOut:
                throw BuildError(code: .kustomizeFailed, message: "\(command) \(display) did not finish within \(options.kustomizeTimeout)")
            case .outputTooLarge:
                throw BuildError(code: .kustomizeFailed,
                    message: "\(command) \(display) produced more than \(options.maximumOutputBytes) bytes of manifests")
            case .launchFailed:
                throw BuildError(code: .kustomizeFailed, message: "cannot run \(executable.path) for \(display)")
            }
        } catch {
            throw BuildError(code: .kustomizeFailed, message: "cannot run \(executable.path) for \(display)")
        }
        guard result.succeeded else {
            let detail = KustomizeErrorText.clean(result.standardErrorText(limit: 64 << 10), workspace: workspace.path)
            let status = result.exitCode.map { "exit code \($0)" } ?? "signal \(result.signal ?? 0)"
            throw BuildError(code: .kustomizeFailed,
                message: "\(command) \(display) failed (\(status))" + (detail.isEmpty ? "" : ": " + detail))
        }
        return result.standardOutput
    }

    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        if name.isEmpty { return directory }
        return directory + "/" + name
    }
}
