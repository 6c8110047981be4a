/// An error thrown by ``MQTTTestBroker``.
public struct MQTTTestBrokerError: Error, Hashable, Sendable, CustomStringConvertible {
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

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}
