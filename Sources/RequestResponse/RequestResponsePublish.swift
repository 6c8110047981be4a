public import MQTT5
public import NIOCore

/// A PUBLISH received from the broker.
public struct RequestResponsePublish: Sendable {
    /// The topic name it was published on.
    public var topic: String
    /// The payload.
    public var payload: ByteBuffer
    /// Its MQTT 5 properties (empty on MQTT 3.1.1).
    public var properties: MQTTProperties

    /// Creates a received publish.
    ///
    /// - Parameters:
    ///   - topic: The topic name.
    ///   - payload: The payload.
    ///   - properties: The PUBLISH properties.
    public init(topic: String, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()) {
        self.topic = topic
        self.payload = payload
        self.properties = properties
    }
}
