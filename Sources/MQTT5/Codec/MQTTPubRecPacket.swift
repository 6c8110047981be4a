/// The PUBREC packet: the first QoS 2 acknowledgement (MQTT 5 section 3.5).
public struct MQTTPubRecPacket: Hashable, Sendable {
    /// The packet identifier of the flow, never 0.
    public var packetIdentifier: UInt16
    /// The reason code (MQTT 5); always success in MQTT 3.1.1.
    public var reasonCode: MQTTPubRecReasonCode
    /// The PUBREC properties (MQTT 5 only): reason string and user properties.
    public var properties: MQTTProperties

    /// Creates a PUBREC packet.
    public init(
        packetIdentifier: UInt16,
        reasonCode: MQTTPubRecReasonCode = .success,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
