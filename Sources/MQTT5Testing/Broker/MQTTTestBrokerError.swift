/// An error thrown by ``MQTTTestBroker``.
public struct MQTTTestBrokerError: Error, Sendable, CustomStringConvertible {
    /// The kind of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable {
            case startFailed
            case timeout
            case shutDown
        }

        let kind: Kind

        /// The broker could not start listening.
        public static let startFailed = Code(kind: .startFailed)
        /// A wait did not finish in time.
        public static let timeout = Code(kind: .timeout)
        /// The broker has been shut down.
        public static let shutDown = Code(kind: .shutDown)

        /// The name of the code.
        public var description: String {
            switch kind {
            case .startFailed: "startFailed"
            case .timeout: "timeout"
            case .shutDown: "shutDown"
            }
        }
    }

    /// The kind of error.
    public var code: Code
    /// What went wrong.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A description for people.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `"<code>: <message>"`, followed by the cause when present.
    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
