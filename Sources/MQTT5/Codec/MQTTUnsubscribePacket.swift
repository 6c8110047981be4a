/// The UNSUBSCRIBE packet (MQTT 5 section 3.10).
public struct MQTTUnsubscribePacket: Hashable, Sendable {
    /// The packet identifier, never 0.
    public var packetIdentifier: UInt16
    /// The topic filters to remove; at least one.
    public var topicFilters: [String]
    /// The UNSUBSCRIBE properties (MQTT 5 only): user properties.
    public var properties: MQTTProperties

    /// Creates an UNSUBSCRIBE packet.
    public init(packetIdentifier: UInt16, topicFilters: [String], properties: MQTTProperties = MQTTProperties()) {
        self.packetIdentifier = packetIdentifier
        self.topicFilters = topicFilters
        self.properties = properties
    }
}
