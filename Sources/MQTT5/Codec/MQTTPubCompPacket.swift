/// The PUBCOMP packet: the QoS 2 completion (MQTT 5 section 3.7).
public struct MQTTPubCompPacket: Hashable, Sendable {
    /// The packet identifier of the flow, never 0.
    public var packetIdentifier: UInt16
    /// The reason code (MQTT 5); always success in MQTT 3.1.1.
    public var reasonCode: MQTTPubCompReasonCode
    /// The PUBCOMP properties (MQTT 5 only): reason string and user properties.
    public var properties: MQTTProperties

    /// Creates a PUBCOMP packet.
    public init(
        packetIdentifier: UInt16,
        reasonCode: MQTTPubCompReasonCode = .success,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
