/// The DISCONNECT packet (MQTT 5 section 3.14).
public struct MQTTDisconnectPacket: Hashable, Sendable {
    /// The reason code (MQTT 5); always normal disconnection in MQTT 3.1.1.
    public var reasonCode: MQTTDisconnectReasonCode
    /// The DISCONNECT properties (MQTT 5 only): session expiry interval, reason string, server
    /// reference and user properties.
    public var properties: MQTTProperties

    /// Creates a DISCONNECT packet.
    public init(
        reasonCode: MQTTDisconnectReasonCode = .normalDisconnection, properties: MQTTProperties = MQTTProperties()
    ) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
