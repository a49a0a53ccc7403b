/// Why a stage's manifests could not be built; the message names the file and document.
public struct BuildError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax
        case invalidObject
        case noManifests
        case notSupportedYet
        case kustomizeFailed
        case kustomizeMissing
        case remoteResource
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
