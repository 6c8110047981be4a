/// The settings of a connection once CONNECT and CONNACK have been exchanged: the client's
/// request combined with the broker's answer and the protocol defaults.
public struct MQTTNegotiatedSettings: Hashable, Sendable {
    /// The protocol version of the connection.
    public var protocolVersion: MQTTProtocolVersion
    /// The highest QoS the broker accepts for publishes from the client.
    public var maximumQoS: MQTTQoS
    /// How long, in seconds, the broker keeps the session after the connection ends.
    public var sessionExpiryInterval: UInt32
    /// How many QoS 1 and 2 publishes the broker accepts in flight at once (its Receive Maximum).
    public var receiveMaximumFromServer: UInt16
    /// The largest packet, in bytes, the broker accepts.
    public var maximumPacketSizeToServer: UInt32
    /// The highest topic alias the client may use on publishes to the broker (0: none).
    public var topicAliasMaximumToServer: UInt16
    /// The highest topic alias the broker may use on publishes to the client (0: none).
    public var topicAliasMaximumToClient: UInt16
    /// The keep-alive interval in seconds in force (the broker's Server Keep Alive if it sent one); 0 is off.
    public var serverKeepAlive: UInt16
    /// Whether the broker supports retained messages.
    public var retainAvailable: Bool
    /// Whether the broker supports wildcard subscriptions.
    public var wildcardSubscriptionsAvailable: Bool
    /// Whether the broker supports subscription identifiers.
    public var subscriptionIdentifiersAvailable: Bool
    /// Whether the broker supports shared subscriptions.
    public var sharedSubscriptionsAvailable: Bool
    /// Whether the broker resumed an existing session (CONNACK Session Present).
    public var rejoinedSession: Bool
    /// Whether the client asked to resume a session (Clean Start 0) and the broker had none: its
    /// subscriptions are gone and in-flight publishes were re-queued or failed per the offline queue policy.
    public var sessionLost: Bool
    /// The client identifier of the connection: the configured one or the one the broker assigned.
    public var clientIdentifier: String
    /// The Response Information the broker sent, if any (when requested).
    public var responseInformation: String?
    /// The endpoint of the connection (one of ``MQTTClient/Configuration/endpoints``); `nil` only
    /// for settings made outside a client.
    public var endpoint: MQTTEndpoint?

    /// Creates negotiated settings with the protocol's defaults for an MQTT 3.1.1 or MQTT 5 connection.
    ///
    /// - Parameters:
    ///   - protocolVersion: The protocol version.
    ///   - clientIdentifier: The client identifier.
    ///   - keepAlive: The keep-alive interval in seconds.
    public init(protocolVersion: MQTTProtocolVersion, clientIdentifier: String, keepAlive: UInt16) {
        self.protocolVersion = protocolVersion
        self.maximumQoS = .exactlyOnce
        self.sessionExpiryInterval = 0
        self.receiveMaximumFromServer = 65_535
        self.maximumPacketSizeToServer = MQTTFrameDecoder.maximumPossiblePacketSize
        self.topicAliasMaximumToServer = 0
        self.topicAliasMaximumToClient = 0
        self.serverKeepAlive = keepAlive
        self.retainAvailable = true
        self.wildcardSubscriptionsAvailable = true
        self.subscriptionIdentifiersAvailable = protocolVersion == .v5_0
        self.sharedSubscriptionsAvailable = true
        self.rejoinedSession = false
        self.sessionLost = false
        self.clientIdentifier = clientIdentifier
        self.responseInformation = nil
        self.endpoint = nil
    }
}
