/// The SUBSCRIBE packet (MQTT 5 section 3.8).
public struct MQTTSubscribePacket: Hashable, Sendable {
    /// The packet identifier, never 0.
    public var packetIdentifier: UInt16
    /// The subscriptions; at least one.
    public var subscriptions: [MQTTSubscription]
    /// The SUBSCRIBE properties (MQTT 5 only): at most one subscription identifier and user properties.
    public var properties: MQTTProperties

    /// Creates a SUBSCRIBE packet.
    public init(
        packetIdentifier: UInt16, subscriptions: [MQTTSubscription], properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.subscriptions = subscriptions
        self.properties = properties
    }
}
