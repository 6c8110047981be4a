/// An outbound QoS 1 or 2 publish kept in a session store until its message flow completes.
///
/// A record is written before its PUBLISH leaves the client (write-ahead) and removed when the
/// broker's acknowledgement completes the flow. A record without a packet identifier is queued
/// (never sent); one with an identifier may have been sent, so a resumed session sends it again
/// with DUP set, or, once ``isReleased``, sends its PUBREL again.
public struct MQTTStoredPublish: Hashable, Sendable {
    /// Orders the records (submission order) and identifies them across commits.
    public var sequence: UInt64
    /// The packet identifier the publish was sent with; `nil` while it is queued.
    public var packetIdentifier: UInt16?
    /// Whether the QoS 2 flow is past PUBREC: the PUBREL was sent and PUBCOMP is awaited.
    public var isReleased: Bool
    /// The message (topic, payload, QoS, retain, properties); its packet identifier and DUP flag
    /// are not significant.
    public var packet: MQTTPublishPacket

    /// Creates a record.
    ///
    /// - Parameters:
    ///   - sequence: The record's position in submission order.
    ///   - packetIdentifier: The identifier it was sent with, or `nil` while queued.
    ///   - isReleased: Whether the PUBREL of its QoS 2 flow was sent.
    ///   - packet: The message.
    public init(sequence: UInt64, packetIdentifier: UInt16?, isReleased: Bool = false, packet: MQTTPublishPacket) {
        self.sequence = sequence
        self.packetIdentifier = packetIdentifier
        self.isReleased = isReleased
        self.packet = packet
    }
}
