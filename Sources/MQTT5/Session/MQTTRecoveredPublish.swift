/// A publish recovered from a ``MQTTSessionStore`` when the client started: its caller was in an
/// earlier process (or an earlier client), so its outcome is reported through
/// ``MQTTClient/recoveredPublishes()`` instead.
public struct MQTTRecoveredPublish: Sendable {
    /// The record's position in the session's submission order.
    public var sequence: UInt64
    /// The message.
    public var packet: MQTTPublishPacket
    /// How the flow ended: the acknowledgements, or why it failed (for example
    /// ``MQTTError/Code/sessionLost`` when the broker had no session and
    /// ``MQTTClient/Configuration/recoveredPublishesWithoutSession`` is
    /// ``MQTTRecoveredPublishPolicy/fail``, or ``MQTTError/Code/clientStopped``).
    public var result: Result<MQTTPublishResult, MQTTError>
    /// Whether the broker had lost the session, so the publish was sent again as a new message
    /// (a subscriber may have received it twice).
    public var wasResentAsNewMessage: Bool

    /// Creates a report.
    ///
    /// - Parameters:
    ///   - sequence: The record's sequence.
    ///   - packet: The message.
    ///   - result: The outcome.
    ///   - wasResentAsNewMessage: Whether it was sent again without the session.
    public init(
        sequence: UInt64, packet: MQTTPublishPacket, result: Result<MQTTPublishResult, MQTTError>,
        wasResentAsNewMessage: Bool
    ) {
        self.sequence = sequence
        self.packet = packet
        self.result = result
        self.wasResentAsNewMessage = wasResentAsNewMessage
    }
}

/// What happens to recovered publishes that had been sent when the broker answers that it has
/// no session (they may or may not have reached it).
public struct MQTTRecoveredPublishPolicy: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable { case resend, fail }
    let kind: Kind

    /// Send them again as new messages (at-least-once; a subscriber may see one twice). The default.
    public static let resend = MQTTRecoveredPublishPolicy(kind: .resend)
    /// Fail them with ``MQTTError/Code/sessionLost`` (at-most-once; one may be lost).
    public static let fail = MQTTRecoveredPublishPolicy(kind: .fail)

    /// The name of the policy.
    public var description: String {
        switch kind {
        case .resend: "resend"
        case .fail: "fail"
        }
    }
}
