/// A path to a field inside a document, printed the way Kubernetes prints field paths:
/// `spec.stages[1].sourceRef.kind`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static let root = FieldPath()

    public func child(_ key: String) -> FieldPath {
        FieldPath(components + [.key(key)])
    }

    public func index(_ index: Int) -> FieldPath {
        FieldPath(components + [.index(index)])
    }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                let needsBrackets = key.contains(".") || key.contains("[") || key.isEmpty
                if needsBrackets {
                    text += "[\"\(key)\"]"
                } else {
                    if !text.isEmpty { text += "." }
                    text += key
                }
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text.isEmpty ? "(document)" : text
    }
}
