/// One problem found in a schema: where it is (a JSON path and, when known, a line and column)
/// and what was expected.
///
/// The ``description`` is `path: message`, for example
/// `operations.GetShadow.publishTopic: placeholder {thing} is not a member of GetShadowRequest`.
public struct RRGenDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the offending value, such as `shapes.ShadowState.members.desired.type`;
    /// empty for the document itself.
    public var path: JSONPath
    /// What is wrong and what was expected.
    public var message: String
    /// Where the offending value starts in the schema file, when known.
    public var location: SourceLocation?

    /// Creates a diagnostic.
    public init(path: JSONPath, message: String, location: SourceLocation? = nil) {
        self.path = path
        self.message = message
        self.location = location
    }

    /// `path: message`, or just the message at the document root.
    public var description: String {
        path.isRoot ? message : "\(path): \(message)"
    }

    /// The compiler-style form `file:line:column: error: path: message`, which editors and
    /// Xcode turn into inline errors.
    public func formatted(file: String) -> String {
        if let location {
            return "\(file):\(location.line):\(location.column): error: \(description)"
        }
        return "\(file): error: \(description)"
    }
}
