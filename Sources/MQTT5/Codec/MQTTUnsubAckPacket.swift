/// The UNSUBACK packet (MQTT 5 section 3.11).
public struct MQTTUnsubAckPacket: Hashable, Sendable {
    /// The packet identifier of the UNSUBSCRIBE.
    public var packetIdentifier: UInt16
    /// One reason code per topic filter of the UNSUBSCRIBE (MQTT 5); empty in MQTT 3.1.1.
    public var reasonCodes: [MQTTUnsubAckReasonCode]
    /// The UNSUBACK properties (MQTT 5 only): reason string and user properties.
    public var properties: MQTTProperties

    /// Creates an UNSUBACK packet.
    public init(
        packetIdentifier: UInt16, reasonCodes: [MQTTUnsubAckReasonCode] = [],
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}
