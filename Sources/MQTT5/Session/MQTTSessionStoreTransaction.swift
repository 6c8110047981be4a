/// The changes to a session that one commit makes durable, all or nothing.
///
/// The client collects the changes of an event-loop turn (and of the turns that pass while a
/// commit is in progress) and compacts them: a publish saved and completed before the commit
/// leaves no trace, a record saved twice is saved once. A store applies, in this order: the
/// session expiry, ``removesAllInboundPacketIdentifiers``, the removed then the added inbound
/// identifiers, the removed then the saved publishes, and the metadata.
public struct MQTTSessionStoreTransaction: Hashable, Sendable {
    /// The Session Expiry Interval of a connection the broker just accepted, if one was.
    public var sessionExpiryInterval: UInt32?
    /// Publishes to insert or replace (by ``MQTTStoredPublish/sequence``), in sequence order.
    public var savedPublishes: [MQTTStoredPublish] = []
    /// Sequences of publishes whose flow ended (completed, failed or abandoned).
    public var removedPublishes: [UInt64] = []
    /// Whether the inbound identifiers are all dropped first (the broker started a new session).
    public var removesAllInboundPacketIdentifiers = false
    /// Inbound QoS 2 identifiers released (PUBREL received).
    public var removedInboundPacketIdentifiers: [UInt16] = []
    /// Inbound QoS 2 identifiers received (the PUBREC follows the commit).
    public var addedInboundPacketIdentifiers: [UInt16] = []
    /// Application values to set (`nil` removes the key).
    public var metadata: [String: String?] = [:]

    /// An empty transaction.
    public init() {}

    /// Whether the transaction changes nothing.
    public var isEmpty: Bool {
        sessionExpiryInterval == nil && savedPublishes.isEmpty && removedPublishes.isEmpty
            && !removesAllInboundPacketIdentifiers && removedInboundPacketIdentifiers.isEmpty
            && addedInboundPacketIdentifiers.isEmpty && metadata.isEmpty
    }
}
