public import MQTT5
public import NIOCore

/// A request received by a ``RequestResponder``.
public struct IncomingRequest: Sendable {
    /// The topic it was published on.
    public var topic: String
    /// The request payload.
    public var payload: ByteBuffer
    /// The MQTT 5 response topic the requester asked for, if any.
    public var responseTopic: String?
    /// The MQTT 5 correlation data to echo in the response, if any.
    public var correlationData: ByteBuffer?
    /// All the PUBLISH properties.
    public var properties: MQTTProperties

    /// Creates a received request.
    ///
    /// - Parameters:
    ///   - topic: The topic it was published on.
    ///   - payload: The payload.
    ///   - properties: The PUBLISH properties; ``responseTopic`` and ``correlationData`` are taken from them.
    public init(topic: String, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()) {
        self.topic = topic
        self.payload = payload
        self.responseTopic = properties.responseTopic
        self.correlationData = properties.correlationData
        self.properties = properties
    }
}
