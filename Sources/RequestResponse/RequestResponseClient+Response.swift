public import MQTT5
public import NIOCore
extension RequestResponseClient {
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
        /// The index, in the request's ``RequestResponseClient/RequestOptions/responsePaths``, of the response path the
        /// response matched, so callers that attach meaning to paths (`accepted`, `rejected`) need
        /// not match the topic again. `nil` when the response was not produced by the
        /// request-response client (for example in tests).
        public var responsePathIndex: Int?

        /// Creates a response.
        ///
        /// - Parameters:
        ///   - topic: The topic it arrived on.
        ///   - payload: The payload.
        ///   - properties: Its MQTT 5 properties, or `nil`.
        ///   - responsePathIndex: The index of the response path it matched, if known.
        public init(
            topic: String, payload: ByteBuffer, properties: MQTTProperties? = nil, responsePathIndex: Int? = nil
        ) {
            self.topic = topic
            self.payload = payload
            self.properties = properties
            self.responsePathIndex = responsePathIndex
        }
    }
}
