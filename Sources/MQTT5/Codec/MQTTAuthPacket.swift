/// The AUTH packet of enhanced authentication (MQTT 5 only, section 3.15).
public struct MQTTAuthPacket: Hashable, Sendable {
    /// The reason code.
    public var reasonCode: MQTTAuthReasonCode
    /// The AUTH properties: authentication method and data, reason string and user properties.
    public var properties: MQTTProperties

    /// Creates an AUTH packet.
    public init(reasonCode: MQTTAuthReasonCode = .success, properties: MQTTProperties = MQTTProperties()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
