public import MQTT5

extension MQTTTestBroker {
    /// What the broker advertises to MQTT 5 clients in CONNACK and enforces on them.
    ///
    /// Changes made at runtime through ``MQTTTestBroker/capabilities`` apply to connections
    /// accepted afterwards. MQTT 3.1.1 clients are told nothing; for them only
    /// ``maximumQoS`` (granted QoS in SUBACK) and ``maximumPacketSize`` apply.
    ///
    /// A client that breaks an advertised limit is disconnected with the reason code the
    /// specification names: QoS above ``maximumQoS`` with 0x9B, RETAIN while
    /// ``retainAvailable`` is `false` with 0x9A, more unacknowledged QoS 2 publishes than
    /// ``receiveMaximum`` with 0x93, a topic alias above ``topicAliasMaximum`` with 0x94, a packet
    /// above ``maximumPacketSize`` with 0x95.
    public struct Capabilities: Sendable, Hashable {
        /// The Receive Maximum advertised; `nil` advertises nothing (65,535).
        public var receiveMaximum: UInt16? = nil
        /// The Maximum Packet Size advertised and enforced on incoming packets; `nil` for no limit.
        public var maximumPacketSize: UInt32? = nil
        /// The highest QoS the broker accepts in PUBLISH and grants in SUBACK.
        public var maximumQoS: MQTTQoS = .exactlyOnce
        /// Whether retained messages are supported.
        public var retainAvailable: Bool = true
        /// The highest topic alias a client may use; 0 disables client topic aliases.
        public var topicAliasMaximum: UInt16 = 16
        /// Whether wildcard subscriptions are accepted (otherwise SUBACK 0xA2).
        public var wildcardSubscriptionAvailable: Bool = true
        /// Whether subscription identifiers are accepted (otherwise DISCONNECT 0xA1).
        public var subscriptionIdentifiersAvailable: Bool = true
        /// Whether shared subscriptions are accepted (otherwise SUBACK 0x9E).
        public var sharedSubscriptionAvailable: Bool = true
        /// A Server Keep Alive replacing the client's keep-alive interval, if set.
        public var serverKeepAlive: UInt16? = nil
        /// The largest session expiry interval granted; a larger request is reduced and the
        /// granted value is returned in CONNACK. `nil` grants what the client asks.
        public var maximumSessionExpiryInterval: UInt32? = nil
        /// The Response Information returned to clients that request it, if set.
        public var responseInformation: String? = nil

        /// Full MQTT 5 capabilities: QoS 2, retain, wildcards, shared subscriptions, subscription
        /// identifiers, 16 topic aliases, no packet size limit.
        public init() {}
    }
}
