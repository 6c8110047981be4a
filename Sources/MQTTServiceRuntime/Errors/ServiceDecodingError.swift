/// A message that arrived but could not be turned into its modeled type.
public struct ServiceDecodingError: Error, Sendable, CustomStringConvertible {
    /// The operation or stream (`GetShadow`, `ShadowDeltaUpdated`).
    public var operation: String
    /// The topic the message arrived on.
    public var topic: String
    /// The type it should have decoded to, or `nil` when the topic itself was unexpected.
    public var typeName: String?
    /// What went wrong.
    public var message: String
    /// The start of the payload as text (at most 256 characters), for diagnosis.
    public var payloadPreview: String
    /// The underlying error (usually a `DecodingError`).
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        operation: String, topic: String, typeName: String?, message: String, payloadPreview: String,
        cause: (any Error)? = nil
    ) {
        self.operation = operation
        self.topic = topic
        self.typeName = typeName
        self.message = message
        self.payloadPreview = payloadPreview
        self.cause = cause
    }

    /// A sentence with the operation, topic, type, problem and payload start.
    public var description: String {
        let target = typeName.map { " as \($0)" } ?? ""
        return "\(operation): cannot decode the message on '\(topic)'\(target): \(message); payload: \(payloadPreview)"
    }
}
