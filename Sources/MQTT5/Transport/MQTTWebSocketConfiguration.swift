/// WebSocket settings for `ws://` and `wss://` endpoints.
///
/// The upgrade request is `GET <path>` with `Sec-WebSocket-Protocol: mqtt`. ``handshakeTransform``
/// may rewrite it asynchronously before every connection attempt, for example to sign it
/// (AWS SigV4) with fresh credentials.
public struct MQTTWebSocketConfiguration: Sendable {
    /// Rewrites the upgrade request before it is sent; throwing fails the connection attempt.
    public typealias HandshakeTransform =
        @Sendable (MQTTWebSocketHandshakeRequest) async throws -> MQTTWebSocketHandshakeRequest

    /// Extra headers for the upgrade request.
    public var headers: [(name: String, value: String)]
    /// The largest WebSocket frame accepted from the broker, in bytes.
    public var maximumFrameSize: Int
    /// Rewrites the upgrade request before each attempt, if set.
    public var handshakeTransform: HandshakeTransform?

    /// Creates WebSocket settings.
    ///
    /// - Parameters:
    ///   - headers: Extra request headers.
    ///   - maximumFrameSize: The largest frame accepted.
    ///   - handshakeTransform: An asynchronous rewrite of the upgrade request.
    public init(
        headers: [(name: String, value: String)] = [],
        maximumFrameSize: Int = 1 << 20,
        handshakeTransform: HandshakeTransform? = nil
    ) {
        self.headers = headers
        self.maximumFrameSize = maximumFrameSize
        self.handshakeTransform = handshakeTransform
    }
}
