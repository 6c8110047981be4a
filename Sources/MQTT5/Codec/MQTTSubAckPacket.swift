/// The SUBACK packet: one reason code per subscription of the SUBSCRIBE (MQTT 5 section 3.9).
public struct MQTTSubAckPacket: Hashable, Sendable {
    /// The packet identifier of the SUBSCRIBE.
    public var packetIdentifier: UInt16
    /// One reason code per subscription, in order. In MQTT 3.1.1 only the granted QoS codes and
    /// ``MQTTSubAckReasonCode/unspecifiedError`` (return code 0x80) exist.
    public var reasonCodes: [MQTTSubAckReasonCode]
    /// The SUBACK properties (MQTT 5 only): reason string and user properties.
    public var properties: MQTTProperties

    /// Creates a SUBACK packet.
    public init(
        packetIdentifier: UInt16, reasonCodes: [MQTTSubAckReasonCode], properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}
