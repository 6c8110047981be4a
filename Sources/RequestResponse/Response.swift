public import MQTT5
public import NIOCore

/// The response that completed a request.
public struct Response: Sendable {
    /// The topic it arrived on; compare it with the request's response paths to tell, for
    /// example, `accepted` from `rejected`.
    public var topic: String
    /// The payload.
    public var payload: ByteBuffer
    /// The MQTT 5 properties that came with it (content type, user properties, message
    /// expiry…); `nil` when the connection is MQTT 3.1.1, which has none.
    public var properties: MQTTProperties?

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - topic: The topic it arrived on.
    ///   - payload: The payload.
    ///   - properties: Its MQTT 5 properties, or `nil`.
    public init(topic: String, payload: ByteBuffer, properties: MQTTProperties? = nil) {
        self.topic = topic
        self.payload = payload
        self.properties = properties
    }
}
