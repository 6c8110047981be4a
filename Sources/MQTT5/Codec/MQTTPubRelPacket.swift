/// The PUBREL packet: the QoS 2 release (MQTT 5 section 3.6).
public struct MQTTPubRelPacket: Hashable, Sendable {
    /// The packet identifier of the flow, never 0.
    public var packetIdentifier: UInt16
    /// The reason code (MQTT 5); always success in MQTT 3.1.1.
    public var reasonCode: MQTTPubRelReasonCode
    /// The PUBREL properties (MQTT 5 only): reason string and user properties.
    public var properties: MQTTProperties

    /// Creates a PUBREL packet.
    public init(
        packetIdentifier: UInt16,
        reasonCode: MQTTPubRelReasonCode = .success,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
