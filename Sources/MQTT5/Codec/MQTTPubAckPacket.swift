/// The PUBACK packet: the QoS 1 acknowledgement (MQTT 5 section 3.4).
public struct MQTTPubAckPacket: Hashable, Sendable {
    /// The packet identifier of the flow, never 0.
    public var packetIdentifier: UInt16
    /// The reason code (MQTT 5); always success in MQTT 3.1.1.
    public var reasonCode: MQTTPubAckReasonCode
    /// The PUBACK properties (MQTT 5 only): reason string and user properties.
    public var properties: MQTTProperties

    /// Creates a PUBACK packet.
    public init(
        packetIdentifier: UInt16,
        reasonCode: MQTTPubAckReasonCode = .success,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
