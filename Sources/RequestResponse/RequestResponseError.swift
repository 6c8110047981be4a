public import MQTT5

/// The one error type of the request-response layer.
///
/// Every failure of a request, a streaming subscription or the responder is reported as a
/// `RequestResponseError` with a ``code`` to switch on, a human-readable ``message``, the MQTT
/// reason code when a broker acknowledgement caused it, and the underlying ``cause`` if any.
public struct RequestResponseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    ///
    /// A struct wrapping an internal enum, so cases can be added without breaking users;
    /// compare against the static members (`error.code == .timeout`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Wrapped: UInt8, Hashable, Sendable, CaseIterable {
            case timeout, publishFailure, subscribeFailure, sessionLost, noSubscriptionCapacity
            case clientShutDown, invalidArgument, cancelled
        }

        let wrapped: Wrapped

        init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The operation did not complete before its deadline (which counts from submission,
        /// queueing included).
        public static let timeout = Code(.timeout)
        /// Publishing the request failed: a PUBACK reason code of `0x80` or above
        /// (in ``RequestResponseError/reasonCode``) or a transport error (in ``RequestResponseError/cause``).
        public static let publishFailure = Code(.publishFailure)
        /// Subscribing to a response or stream topic filter failed: a SUBACK reason code of
        /// `0x80` or above (in ``RequestResponseError/reasonCode``) or a transport error.
        public static let subscribeFailure = Code(.subscribeFailure)
        /// The connection was re-established without the session, so subscriptions (and
        /// responses that may have arrived meanwhile) were lost.
        public static let sessionLost = Code(.sessionLost)
        /// The subscription budget can never make room for the operation.
        public static let noSubscriptionCapacity = Code(.noSubscriptionCapacity)
        /// The client was closed.
        public static let clientShutDown = Code(.clientShutDown)
        /// An argument or option was rejected before anything was sent.
        public static let invalidArgument = Code(.invalidArgument)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)

        /// All codes, in declaration order.
        public static var allCases: [Code] { Wrapped.allCases.map(Code.init) }

        /// The code's name, e.g. `timeout`.
        public var description: String {
            switch wrapped {
            case .timeout: "timeout"
            case .publishFailure: "publishFailure"
            case .subscribeFailure: "subscribeFailure"
            case .sessionLost: "sessionLost"
            case .noSubscriptionCapacity: "noSubscriptionCapacity"
            case .clientShutDown: "clientShutDown"
            case .invalidArgument: "invalidArgument"
            case .cancelled: "cancelled"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A description of the failure for people, naming the topic or filter involved.
    public var message: String
    /// The MQTT reason code (SUBACK, UNSUBACK or PUBACK) that caused the failure, if one did.
    public var reasonCode: MQTTReasonCode?
    /// The underlying error (for example a transport error), if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A description for people.
    ///   - reasonCode: The MQTT reason code that caused it, if any.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, reasonCode: MQTTReasonCode? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.reasonCode = reasonCode
        self.cause = cause
    }

    /// `code: message (reason code Not authorized (0x87)) (cause: ...)`.
    public var description: String {
        var text = "\(code): \(message)"
        if let reasonCode { text += " (reason code \(reasonCode))" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

extension RequestResponseError {
    static func invalidArgument(_ message: String, cause: (any Error)? = nil) -> RequestResponseError {
        RequestResponseError(code: .invalidArgument, message: message, cause: cause)
    }

    static func clientShutDown(_ message: String = "the request-response client was closed") -> RequestResponseError {
        RequestResponseError(code: .clientShutDown, message: message)
    }

    static func cancelled(_ message: String = "the calling task was cancelled") -> RequestResponseError {
        RequestResponseError(code: .cancelled, message: message)
    }
}
