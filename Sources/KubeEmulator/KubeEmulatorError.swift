/// Failure to start or drive the emulator itself (not a Kubernetes API error).
public struct KubeEmulatorError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        case certificateGenerationFailed
        case tlsSetupFailed
        case listenFailed
        case stateDirectoryUnusable
        case invalidArgument
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "kube-emulator: \(message)" }
}
