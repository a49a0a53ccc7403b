import Build
import Fetch
import HostSecrets
import JSON
import KMS
import Logging
import SOPS
import StageSpec

/// A stage built from its pinned source: the objects to apply and where they came from.
public struct RenderedStage: Sendable {
    public var stage: Stage
    public var revision: String
    public var objects: [ManifestObject]
    public var skipped: [SkippedEntry]
    /// The files as fetched (SOPS ciphertext intact): what the rollback store keeps.
    public var fetched: SourceArtifact
}

/// Why a stage could not be rendered.
public enum RenderFailure: Error, Sendable, CustomStringConvertible {
    case source(SourceError)
    /// SOPS decryption failed for `file`; `cause` is for the log only (status shows the file).
    case decryption(file: String, cause: String)
    case build(BuildError)

    public var description: String {
        switch self {
        case .source(let error): return error.description
        case .decryption(let file, _): return "decryption failed: \(file)"
        case .build(let error): return error.description
        }
    }
}

/// The keys a StageSet decrypts its SOPS files with, loaded once per pass.
public struct StageDecryption: Sendable {
    public var flux: FluxDecryption

    /// Loads the keys of `spec.decryption` (the host Secret's `.agekey` and `.asc` entries) plus
    /// the additional decrypters (cloud KMS with ambient credentials); `nil` without `spec.decryption`.
    public static func load(for stageSet: StageSet, secrets: HostSecretStore, kmsSession: KMSSession? = nil, additional: [any MasterKeyDecrypter] = [],
        logger: Logger) throws(RenderFailure) -> StageDecryption?
    {
        guard let decryption = stageSet.spec.decryption else { return nil }
        var keys = DecryptionKeys()
        if let secretRef = decryption.secretRef {
            do {
                keys = try DecryptionKeys.fromHostSecret(named: secretRef.name, store: secrets)
            } catch {
                throw .decryption(file: "Secret \(secretRef.name)", cause: error.description)
            }
        }
        do throws(SOPSError) {
            let (decryptor, problems) = if let kmsSession {
                try SOPSDecryptor.forKeys(keys, kmsSession: kmsSession, additional: additional)
            } else {
                try SOPSDecryptor.forKeys(keys, additional: additional)
            }
            for problem in problems { logger.warning("unusable decryption key: \(problem)") }
            return StageDecryption(flux: FluxDecryption(decryptor: decryptor))
        } catch {
            throw .decryption(file: "Secret \(decryption.secretRef?.name ?? "")", cause: error.description)
        }
    }
}

/// Fetches a stage's files at the pinned revision, decrypts SOPS files in memory (Flux's
/// contract: before the build for source files, after it for whole encrypted objects), and
/// builds its objects.
public struct StageRenderer: Sendable {
    public var fetcher: SourceFetcher
    public var secrets: HostSecretStore
    public var buildOptions: BuildOptions

    public init(fetcher: SourceFetcher, secrets: HostSecretStore, buildOptions: BuildOptions = BuildOptions()) {
        self.fetcher = fetcher
        self.secrets = secrets
        self.buildOptions = buildOptions
    }

    public func render(_ stage: Stage, of stageSet: StageSet, in configuration: Configuration, pins: PinnedSources,
        decryption: StageDecryption? = nil) async throws(RenderFailure) -> RenderedStage
    {
        let artifact: SourceArtifact
        do {
            artifact = try await fetcher.files(for: stage, in: configuration, pins: pins)
        } catch {
            throw .source(error)
        }
        return try await render(stage, of: stageSet, from: artifact, decryption: decryption)
    }

    /// Decrypts and builds a stage from files already at hand (fetched now, or from the rollback store).
    public func render(_ stage: Stage, of stageSet: StageSet, from fetched: SourceArtifact, decryption: StageDecryption?)
        async throws(RenderFailure) -> RenderedStage
    {
        var artifact = fetched
        if let decryption {
            do {
                artifact.files = FileMap(try await decryption.flux.decryptFileMap(artifact.files.files))
            } catch {
                throw .decryption(file: error.file ?? "a source file", cause: error.description)
            }
        }
        var objects: [ManifestObject]
        do {
            objects = try await StageBuilder.build(files: artifact.files, stage: stage, of: stageSet, options: buildOptions)
        } catch {
            throw .build(error)
        }
        for index in objects.indices {
            let value = JSONValue.object(objects[index].value)
            if let decryption, FluxDecryption.isSOPSEncryptedObject(value) || FluxDecryption.isUndecryptedSecret(value) {
                do {
                    if let decrypted = try await decryption.flux.decryptObject(value)?.objectValue {
                        objects[index].value = decrypted
                    }
                } catch {
                    throw .decryption(file: "\(objects[index].file) (\(objects[index].displayName))", cause: error.description)
                }
            }
            let current = JSONValue.object(objects[index].value)
            if objects[index].kind == "Secret", objects[index].value["sops"] != nil, !FluxDecryption.isDecryptionDisabled(current) {
                throw .build(BuildError(code: .invalidObject, message:
                    "\(objects[index].displayName) (\(objects[index].file)) is SOPS encrypted, configuring decryption is required for this secret to be reconciled"))
            }
        }
        return RenderedStage(stage: stage, revision: artifact.revision, objects: objects, skipped: artifact.skipped, fetched: fetched)
    }
}
