/// The CONNACK packet: the server's answer to CONNECT (MQTT 5 section 3.2).
public struct MQTTConnAckPacket: Hashable, Sendable {
    /// Whether the server resumed an existing session. Always `false` with an error reason code.
    public var sessionPresent: Bool
    /// The reason code; MQTT 3.1.1 return codes are mapped to their MQTT 5 equivalents.
    public var reasonCode: MQTTConnectReasonCode
    /// The CONNACK properties (MQTT 5 only).
    public var properties: MQTTProperties

    /// Creates a CONNACK packet.
    public init(
        sessionPresent: Bool = false,
        reasonCode: MQTTConnectReasonCode = .success,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.sessionPresent = sessionPresent
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
