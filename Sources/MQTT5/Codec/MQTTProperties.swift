public import NIOCore

/// The properties of an MQTT 5 packet (MQTT 5 section 2.2.2), one struct for every packet type.
///
/// Every property is optional. The codec enforces which packet may carry which property
/// (spec table 2.2.2.2): encoding a packet with a property its type may not carry throws a
/// ``MQTTCodecError``, and so does decoding one. MQTT 3.1.1 packets have no properties; when a
/// packet is encoded for 3.1.1 its properties are ignored.
public struct MQTTProperties: Hashable, Sendable {
    /// Payload Format Indicator (0x01). PUBLISH, will.
    public var payloadFormatIndicator: MQTTPayloadFormat?
    /// Message Expiry Interval in seconds (0x02). PUBLISH, will.
    public var messageExpiryInterval: UInt32?
    /// Content Type (0x03). PUBLISH, will.
    public var contentType: String?
    /// Response Topic (0x08), a topic name without wildcards. PUBLISH, will.
    public var responseTopic: String?
    /// Correlation Data (0x09). PUBLISH, will.
    public var correlationData: ByteBuffer?
    /// Subscription Identifiers (0x0B), each 1 to 268,435,455. A PUBLISH may carry several, a
    /// SUBSCRIBE at most one.
    public var subscriptionIdentifiers: [UInt32]
    /// Session Expiry Interval in seconds (0x11). CONNECT, CONNACK, DISCONNECT.
    public var sessionExpiryInterval: UInt32?
    /// Assigned Client Identifier (0x12). CONNACK.
    public var assignedClientIdentifier: String?
    /// Server Keep Alive in seconds (0x13). CONNACK.
    public var serverKeepAlive: UInt16?
    /// Authentication Method (0x15). CONNECT, CONNACK, AUTH.
    public var authenticationMethod: String?
    /// Authentication Data (0x16); only valid with an authentication method. CONNECT, CONNACK, AUTH.
    public var authenticationData: ByteBuffer?
    /// Request Problem Information (0x17). CONNECT.
    public var requestProblemInformation: Bool?
    /// Will Delay Interval in seconds (0x18). Will properties.
    public var willDelayInterval: UInt32?
    /// Request Response Information (0x19). CONNECT.
    public var requestResponseInformation: Bool?
    /// Response Information (0x1A). CONNACK.
    public var responseInformation: String?
    /// Server Reference (0x1C). CONNACK, DISCONNECT.
    public var serverReference: String?
    /// Reason String (0x1F). CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.
    public var reasonString: String?
    /// Receive Maximum (0x21), never 0. CONNECT, CONNACK.
    public var receiveMaximum: UInt16?
    /// Topic Alias Maximum (0x22). CONNECT, CONNACK.
    public var topicAliasMaximum: UInt16?
    /// Topic Alias (0x23), never 0. PUBLISH.
    public var topicAlias: UInt16?
    /// Maximum QoS (0x24), QoS 0 or 1 (absent means QoS 2). CONNACK.
    public var maximumQoS: MQTTQoS?
    /// Retain Available (0x25). CONNACK.
    public var retainAvailable: Bool?
    /// User Properties (0x26), in order, duplicates allowed. Every packet that has properties, and will.
    public var userProperties: [MQTTUserProperty]
    /// Maximum Packet Size in bytes (0x27), never 0. CONNECT, CONNACK.
    public var maximumPacketSize: UInt32?
    /// Wildcard Subscription Available (0x28). CONNACK.
    public var wildcardSubscriptionAvailable: Bool?
    /// Subscription Identifiers Available (0x29). CONNACK.
    public var subscriptionIdentifiersAvailable: Bool?
    /// Shared Subscription Available (0x2A). CONNACK.
    public var sharedSubscriptionAvailable: Bool?

    /// Creates an empty set of properties: every property absent.
    public init() {
        self.subscriptionIdentifiers = []
        self.userProperties = []
    }

    /// Whether no property is present.
    public var isEmpty: Bool {
        self == MQTTProperties()
    }
}
