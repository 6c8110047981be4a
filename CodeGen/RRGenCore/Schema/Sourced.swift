/// A value read from the schema, with the JSON path and location it was read from.
public struct Sourced<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The value.
    public var value: Value
    /// Where in the schema the value was read.
    public var path: JSONPath
    /// Where the value starts in the schema text.
    public var location: SourceLocation?

    /// Creates a sourced value.
    public init(_ value: Value, path: JSONPath, location: SourceLocation? = nil) {
        self.value = value
        self.path = path
        self.location = location
    }
}
