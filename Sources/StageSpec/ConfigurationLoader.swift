#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSON
import YAML

/// Loads and validates the configuration: one file, or every `*.yaml`/`*.yml` file of a directory.
public enum ConfigurationLoader {
    /// Configuration files larger than this are refused.
    public static let maximumFileBytes = 4 << 20

    /// Loads `path` (a file or a directory); throws a `ConfigurationError` listing every problem.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(issues: [ConfigurationIssue(code: .unreadable, file: path, message: "no such file or directory")])
        }
        var files: [(display: String, path: String)] = []
        if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
            for name in names.sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !name.hasPrefix(".") {
                files.append((name, path.hasSuffix("/") ? path + name : path + "/" + name))
            }
        } else {
            files.append((path, path))
        }
        var sources: [(String, [UInt8])] = []
        var issues: [ConfigurationIssue] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                issues.append(ConfigurationIssue(code: .unreadable, file: file.display, message: "cannot read the file"))
                continue
            }
            guard data.count <= maximumFileBytes else {
                issues.append(ConfigurationIssue(code: .unreadable, file: file.display, message: "file is larger than \(maximumFileBytes) bytes"))
                continue
            }
            sources.append((file.display, Array(data)))
        }
        let configuration: Configuration
        do throws(ConfigurationError) {
            configuration = try load(files: sources)
        } catch {
            throw ConfigurationError(issues: issues + error.issues)
        }
        if !issues.isEmpty { throw ConfigurationError(issues: issues) }
        return configuration
    }

    /// Loads configuration text already in memory, as `(display name, bytes)` pairs.
    public static func load(files: [(String, [UInt8])]) throws(ConfigurationError) -> Configuration {
        let collector = IssueCollector()
        var stageSets: [StageSet] = []
        var gitRepositories: [GitRepository] = []
        var jsonnetSnippets: [JsonnetSnippet] = []

        for (name, bytes) in files {
            let stream: YAMLStream
            do {
                stream = try YAMLParser.parse(bytes)
            } catch {
                collector.add(ConfigurationIssue(code: .syntax, file: name, message: error.description))
                continue
            }
            for (index, document) in stream.documents.enumerated() {
                guard let root = document.root else { continue }
                let origin = DocumentOrigin(file: name, documentIndex: index)
                let value: JSONValue
                do {
                    value = try root.jsonValue()
                } catch {
                    collector.add(ConfigurationIssue(code: .syntax, origin: origin, path: nil, message: error.description))
                    continue
                }
                guard case .object(let object) = value else {
                    collector.add(ConfigurationIssue(code: .syntax, origin: origin, path: nil,
                        message: "a configuration document must be a mapping, not \(value.typeName)"))
                    continue
                }
                let reader = FieldReader(object: object, path: .root, origin: origin, issues: collector)
                switch decodeDocument(reader) {
                case .stageSet(let stageSet): stageSets.append(stageSet)
                case .gitRepository(let repository): gitRepositories.append(repository)
                case .jsonnetSnippet(let snippet): jsonnetSnippets.append(snippet)
                case nil: break
                }
            }
        }

        let configuration = crossValidate(
            stageSets: stageSets, gitRepositories: gitRepositories, jsonnetSnippets: jsonnetSnippets, issues: collector)
        if !collector.issues.isEmpty {
            throw ConfigurationError(issues: collector.issues)
        }
        return configuration
    }

    private enum Document {
        case stageSet(StageSet)
        case gitRepository(GitRepository)
        case jsonnetSnippet(JsonnetSnippet)
    }

    private static func decodeDocument(_ reader: FieldReader) -> Document? {
        let apiVersion = reader.string("apiVersion", required: true)
        let kind = reader.string("kind", required: true)
        guard let apiVersion, let kind else {
            return nil
        }
        func checkVersion(_ supported: [String]) -> Bool {
            guard supported.contains(apiVersion) else {
                reader.report(.invalidValue, at: FieldPath.root.child("apiVersion"),
                    "unsupported apiVersion \"\(apiVersion)\" for \(kind) (supported: \(supported.joined(separator: ", ")))")
                return false
            }
            return true
        }
        switch kind {
        case StageSet.kind:
            guard checkVersion([StageSet.apiVersion]) else { return nil }
            return StageSetDecoder.decode(reader).map(Document.stageSet)
        case GitRepository.kind:
            guard checkVersion(GitRepositoryDecoder.supportedAPIVersions) else { return nil }
            return GitRepositoryDecoder.decode(reader).map(Document.gitRepository)
        case JsonnetSnippet.kind:
            guard checkVersion(["jaas.metio.wtf/v1"]) else { return nil }
            return JsonnetSnippetDecoder.decode(reader).map(Document.jsonnetSnippet)
        default:
            reader.report(.unknownKind, at: FieldPath.root.child("kind"),
                "unknown kind \"\(kind)\" (supported: StageSet, GitRepository, JsonnetSnippet)")
            return nil
        }
    }

    private static func crossValidate(
        stageSets: [StageSet], gitRepositories: [GitRepository], jsonnetSnippets: [JsonnetSnippet], issues: IssueCollector
    ) -> Configuration {
        func unique<Document>(_ documents: [Document], kind: String, key: (Document) -> ObjectKey, origin: (Document) -> DocumentOrigin)
            -> [ObjectKey: Document]
        {
            var byKey: [ObjectKey: Document] = [:]
            for document in documents {
                let documentKey = key(document)
                if let first = byKey[documentKey] {
                    issues.add(ConfigurationIssue(code: .duplicate, origin: origin(document), path: FieldPath.root.child("metadata").child("name"),
                        message: "duplicate \(kind) \"\(documentKey)\" (first defined in \(origin(first)))"))
                } else {
                    byKey[documentKey] = document
                }
            }
            return byKey
        }
        let uniqueStageSets = unique(stageSets, kind: StageSet.kind, key: \.key, origin: \.origin)
        let repositories = unique(gitRepositories, kind: GitRepository.kind, key: \.key, origin: \.origin)
        let snippets = unique(jsonnetSnippets, kind: JsonnetSnippet.kind, key: \.key, origin: \.origin)

        for stageSet in stageSets {
            for (index, stage) in stageSet.spec.stages.enumerated() {
                let found: Bool
                switch stage.sourceRef.kind {
                case .gitRepository: found = repositories[stage.sourceRef.key] != nil
                case .jsonnetSnippet: found = snippets[stage.sourceRef.key] != nil
                }
                if !found {
                    let position = index < stageSet.spec.stageIndices.count ? stageSet.spec.stageIndices[index] : index
                    let path = FieldPath.root.child("spec").child("stages").index(position).child("sourceRef")
                    issues.add(ConfigurationIssue(code: .unresolvedReference, origin: stageSet.origin, path: path,
                        message: "\(stage.sourceRef.kind.rawValue) \"\(stage.sourceRef.key)\" is not defined in the configuration"))
                }
            }
        }
        let ordered = uniqueStageSets.values.sorted { $0.key < $1.key }
        return Configuration(stageSets: ordered, gitRepositories: repositories, jsonnetSnippets: snippets)
    }
}
