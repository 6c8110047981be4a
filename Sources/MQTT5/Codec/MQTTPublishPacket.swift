public import NIOCore

/// The PUBLISH packet: an application message (MQTT 5 section 3.3).
public struct MQTTPublishPacket: Hashable, Sendable {
    /// The topic name. In MQTT 5 it may be empty when ``MQTTProperties/topicAlias`` is set;
    /// resolving the alias is the connection's job.
    public var topic: String
    /// The application payload. A decoded payload is a slice of the receive buffer, not a copy.
    public var payload: ByteBuffer
    /// The QoS.
    public var qos: MQTTQoS
    /// The RETAIN flag.
    public var retain: Bool
    /// The DUP flag (a redelivery); always `false` for QoS 0.
    public var dup: Bool
    /// The packet identifier: `nil` if and only if ``qos`` is QoS 0, otherwise non-zero.
    public var packetIdentifier: UInt16?
    /// The PUBLISH properties (MQTT 5 only).
    public var properties: MQTTProperties

    /// Creates a PUBLISH packet.
    public init(
        topic: String,
        payload: ByteBuffer,
        qos: MQTTQoS = .atMostOnce,
        retain: Bool = false,
        dup: Bool = false,
        packetIdentifier: UInt16? = nil,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.packetIdentifier = packetIdentifier
        self.properties = properties
    }
}
