/// A service schema as written: the first, syntactic stage of the pipeline.
///
/// ``SchemaParser`` builds it from JSON (checking shapes of values and unknown keys);
/// ``SchemaValidator`` resolves references and checks meaning, producing a ``ServiceModel``.
public struct ServiceSchema: Sendable, Hashable {
    /// The service name; it becomes the namespace of the generated code (`enum IoTShadow`).
    public var name: Sourced<String>
    /// The service documentation.
    public var documentation: String?
    /// Shapes, in schema order.
    public var shapes: [ShapeSchema]
    /// Request-response operations, in schema order.
    public var operations: [OperationSchema]
    /// Streaming operations, in schema order.
    public var streams: [StreamSchema]

    /// Creates a schema.
    public init(
        name: Sourced<String>, documentation: String?, shapes: [ShapeSchema], operations: [OperationSchema],
        streams: [StreamSchema]
    ) {
        self.name = name
        self.documentation = documentation
        self.shapes = shapes
        self.operations = operations
        self.streams = streams
    }
}
