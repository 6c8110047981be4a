/// A path to a value in a JSON document, written `a.b[2].c`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// An object member.
        case key(String)
        /// An array element.
        case index(Int)
    }

    /// The steps from the document root.
    public var components: [Component]

    /// The document root.
    public static let root = JSONPath(components: [])

    /// Creates a path from its steps.
    public init(components: [Component]) {
        self.components = components
    }

    /// Creates a path from its written form; keys are split on `.` (indices are not parsed).
    public init(stringLiteral value: String) {
        self.components = value.isEmpty ? [] : value.split(separator: ".").map { .key(String($0)) }
    }

    /// Whether this is the document root.
    public var isRoot: Bool { components.isEmpty }

    /// The path of an object member of the value at this path.
    public func appending(_ key: String) -> JSONPath {
        JSONPath(components: components + [.key(key)])
    }

    /// The path of an array element of the value at this path.
    public func appending(index: Int) -> JSONPath {
        JSONPath(components: components + [.index(index)])
    }

    /// `a.b[2].c`; the root is written as an empty string.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
