/// Why a generated client could not send a request as given.
public struct ServiceRequestError: Error, Sendable, CustomStringConvertible {
    /// The operation or stream (`GetShadow`).
    public var operation: String
    /// What is wrong.
    public var message: String
    /// The placeholder problem, when a topic placeholder value was unusable.
    public var placeholderError: TopicPlaceholderError?
    /// The underlying error (an `EncodingError`, for example).
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        operation: String, message: String, placeholderError: TopicPlaceholderError? = nil, cause: (any Error)? = nil
    ) {
        self.operation = operation
        self.message = message
        self.placeholderError = placeholderError
        self.cause = cause
    }

    /// `<operation>: <message>`.
    public var description: String { "\(operation): \(message)" }
}
