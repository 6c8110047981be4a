/// The error the generator throws: every problem it found, in a stable order.
///
/// Parsing stops at the first problem (later ones would mostly be echoes); validation reports
/// every problem it finds so a schema author can fix them in one pass.
public struct RRGenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in the order they were found (schema order).
    public var diagnostics: [RRGenDiagnostic]

    /// Creates an error from one or more diagnostics.
    public init(_ diagnostics: [RRGenDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Creates an error from a single diagnostic.
    public init(path: JSONPath, message: String, location: SourceLocation? = nil) {
        self.diagnostics = [RRGenDiagnostic(path: path, message: message, location: location)]
    }

    /// The diagnostics' descriptions, one per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
