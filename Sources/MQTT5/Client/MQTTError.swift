/// The one error type of the MQTT client: what went wrong (``code``), a message for people, the
/// reason code and reason string when the broker sent them, and the underlying cause.
///
/// ```swift
/// do {
///     try await client.subscribe(to: "a/b")
/// } catch let error where error.code == .connectionRefused {
///     print(error.reasonCode, error.reasonString ?? "")
/// }
/// ```
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// A description of what happened, for logs and people.
    public var message: String
    /// The reason code the broker sent (CONNACK, DISCONNECT, AUTH...), if the failure came from one.
    public var reasonCode: MQTTReasonCode?
    /// The Reason String property the broker sent with ``reasonCode``, if any.
    public var reasonString: String?
    /// The Server Reference property of a CONNACK or DISCONNECT (another broker to use), if any.
    public var serverReference: String?
    /// The underlying error (I/O, TLS, codec...), if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: A description for people.
    ///   - reasonCode: The broker's reason code, if any.
    ///   - reasonString: The broker's reason string, if any.
    ///   - serverReference: The broker's server reference, if any.
    ///   - cause: The underlying error, if any.
    public init(
        code: Code,
        message: String,
        reasonCode: MQTTReasonCode? = nil,
        reasonString: String? = nil,
        serverReference: String? = nil,
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.reasonCode = reasonCode
        self.reasonString = reasonString
        self.serverReference = serverReference
        self.cause = cause
    }

    /// `"<code>: <message>"`, followed by the reason code, reason string and cause when present.
    public var description: String {
        var text = "\(code): \(message)"
        if let reasonCode { text += " [\(reasonCode)]" }
        if let reasonString { text += " (reason string: \(reasonString))" }
        if let serverReference { text += " (server reference: \(serverReference))" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
