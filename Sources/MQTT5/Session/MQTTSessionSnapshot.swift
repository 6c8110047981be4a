/// The client's half of an MQTT session as a store holds it: what ``MQTTSessionStore/load()`` returns.
public struct MQTTSessionSnapshot: Hashable, Sendable {
    /// The client identifier the session belongs to.
    public var clientIdentifier: String
    /// The Session Expiry Interval of the last accepted connection, or `nil` when no broker ever
    /// accepted a connection of this session.
    public var sessionExpiryInterval: UInt32?
    /// Outbound QoS 1 and 2 publishes not yet completed, in ``MQTTStoredPublish/sequence`` order.
    public var publishes: [MQTTStoredPublish]
    /// Packet identifiers of inbound QoS 2 publishes received (and delivered) but not yet released
    /// by the broker's PUBREL: a redelivery is acknowledged but not delivered again.
    public var inboundPacketIdentifiers: Set<UInt16>
    /// Application values committed with the session (see ``MQTTClient/publish(_:sessionMetadata:)``).
    public var metadata: [String: String]

    /// Creates a snapshot.
    ///
    /// - Parameters:
    ///   - clientIdentifier: The session's client identifier.
    ///   - sessionExpiryInterval: The expiry of the last accepted connection, if any.
    ///   - publishes: The outbound records, in sequence order.
    ///   - inboundPacketIdentifiers: Unreleased inbound QoS 2 identifiers.
    ///   - metadata: Application values.
    public init(
        clientIdentifier: String,
        sessionExpiryInterval: UInt32? = nil,
        publishes: [MQTTStoredPublish] = [],
        inboundPacketIdentifiers: Set<UInt16> = [],
        metadata: [String: String] = [:]
    ) {
        self.clientIdentifier = clientIdentifier
        self.sessionExpiryInterval = sessionExpiryInterval
        self.publishes = publishes
        self.inboundPacketIdentifiers = inboundPacketIdentifiers
        self.metadata = metadata
    }

}
