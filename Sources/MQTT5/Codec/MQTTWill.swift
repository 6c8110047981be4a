public import NIOCore

/// The will message of a CONNECT packet, published by the server when the connection ends
/// without a normal DISCONNECT (MQTT 5 section 3.1.2.5).
public struct MQTTWill: Hashable, Sendable {
    /// The topic name the will is published to.
    public var topic: String
    /// The will payload.
    public var payload: ByteBuffer
    /// The QoS of the will message.
    public var qos: MQTTQoS
    /// Whether the will message is retained.
    public var retain: Bool
    /// The will properties (MQTT 5 only): payload format, message expiry, content type, response
    /// topic, correlation data, will delay interval and user properties.
    public var properties: MQTTProperties

    /// Creates a will message.
    public init(
        topic: String,
        payload: ByteBuffer,
        qos: MQTTQoS = .atMostOnce,
        retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }
}
