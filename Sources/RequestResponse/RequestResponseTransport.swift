public import MQTT5
public import NIOCore

/// The MQTT operations the request-response layer needs, over MQTT 5, MQTT 3.1.1 or a test double.
///
/// Everything happens on ``eventLoop``: the layer calls every requirement on it (so an
/// implementation may keep its state there without locks), every returned future completes on
/// it, and listeners are invoked on it. The layer issues every SUBSCRIBE, UNSUBSCRIBE and
/// PUBLISH at QoS 1 and bounds each acknowledgement by its own operation timeout, so an
/// implementation need not time anything out (but may).
///
/// An implementation fails a future (rather than answering with a reason code) when the packet
/// could not be exchanged at all, for example because the connection dropped; ``isConnected``
/// must already be `false` when it fails futures because of a disconnect, so the layer retries
/// them on reconnect instead of failing the requests.
public protocol RequestResponseTransport: Sendable {
    /// The event loop on which all state lives, futures complete and listeners are invoked.
    var eventLoop: any EventLoop { get }

    /// Whether the connection is up now (read on ``eventLoop``).
    var isConnected: Bool { get }

    /// Whether the current connection carries MQTT 5 properties (response topic, correlation
    /// data, user properties); `false` for MQTT 3.1.1. Read on ``eventLoop``.
    var supportsProperties: Bool { get }

    /// Subscribes to one topic filter at QoS 1.
    ///
    /// - Parameter topicFilter: A valid topic filter.
    /// - Returns: A future of the SUBACK reason code (MQTT 3.1.1's `0x80` maps to
    ///   ``MQTT5/MQTTSubAckReasonCode/unspecifiedError``), failed if no SUBACK can come.
    func subscribe(topicFilter: String) -> EventLoopFuture<MQTTSubAckReasonCode>

    /// Unsubscribes from one topic filter.
    ///
    /// - Parameter topicFilter: A filter previously subscribed.
    /// - Returns: A future of the UNSUBACK reason code (``MQTT5/MQTTUnsubAckReasonCode/success``
    ///   on MQTT 3.1.1), failed if no UNSUBACK can come.
    func unsubscribe(topicFilter: String) -> EventLoopFuture<MQTTUnsubAckReasonCode>

    /// Publishes at QoS 1.
    ///
    /// - Parameters:
    ///   - topic: A valid topic name.
    ///   - payload: The payload.
    ///   - properties: PUBLISH properties (response topic, correlation data, user properties…);
    ///     ignored on MQTT 3.1.1.
    /// - Returns: A future of the PUBACK reason code (``MQTT5/MQTTPubAckReasonCode/success`` on
    ///   MQTT 3.1.1), failed if no PUBACK can come.
    func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties
    ) -> EventLoopFuture<MQTTPubAckReasonCode>

    /// Publishes at QoS 1 and calls `completion` with the outcome: ``publish(topic:payload:properties:)``
    /// without a future. The layer calls this one for every request; the default implementation
    /// forwards to ``publish(topic:payload:properties:)``. Implement it when a transport can
    /// complete a publish without allocating a future.
    ///
    /// - Parameters:
    ///   - topic: A valid topic name.
    ///   - payload: The payload.
    ///   - properties: PUBLISH properties; ignored on MQTT 3.1.1.
    ///   - completion: Called once on ``eventLoop``, with the PUBACK reason code or the error
    ///     with which ``publish(topic:payload:properties:)`` would fail its future.
    func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties,
        completion: @escaping @Sendable (Result<MQTTPubAckReasonCode, any Error>) -> Void
    )

    /// Registers a listener for connection events and incoming publishes, invoked on
    /// ``eventLoop`` in the order they happen. Called on ``eventLoop``.
    ///
    /// - Parameter listener: Called with every event until removed.
    /// - Returns: An identifier for ``removeListener(_:)``.
    func addListener(
        _ listener: @escaping @Sendable (RequestResponseTransportEvent) -> Void
    ) -> RequestResponseTransportListenerID

    /// Removes a listener; it is not called afterwards. Called on ``eventLoop``.
    ///
    /// - Parameter id: What ``addListener(_:)`` returned.
    func removeListener(_ id: RequestResponseTransportListenerID)

    /// Takes over the acknowledgement (PUBACK) of the publish a listener is being called with,
    /// so that the layer acknowledges a request only when a handler takes it. Called on
    /// ``eventLoop`` from inside a listener.
    ///
    /// - Returns: What sends the acknowledgement (callable from any task), or `nil` when the
    ///   transport acknowledges by itself (the default).
    func deferAcknowledgement() -> (@Sendable () -> Void)?
}

extension RequestResponseTransport {
    /// The transport acknowledges every publish by itself.
    public func deferAcknowledgement() -> (@Sendable () -> Void)? { nil }

    /// Forwards to ``RequestResponseTransport/publish(topic:payload:properties:)`` and completes
    /// `completion` with its future.
    public func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties,
        completion: @escaping @Sendable (Result<MQTTPubAckReasonCode, any Error>) -> Void
    ) {
        publish(topic: topic, payload: payload, properties: properties).whenComplete(completion)
    }
}

/// What a ``RequestResponseTransport`` reports to its listeners.
public enum RequestResponseTransportEvent: Sendable {
    /// A connection was established (CONNACK accepted). `sessionPresent` tells whether the
    /// broker resumed the previous session, and with it the subscriptions.
    case connected(sessionPresent: Bool)
    /// The connection was lost or closed.
    case disconnected
    /// A PUBLISH arrived on a subscribed topic.
    case publish(RequestResponsePublish)
}

/// Identifies a listener registered with ``RequestResponseTransport/addListener(_:)``.
public struct RequestResponseTransportListenerID: Hashable, Sendable {
    /// The transport's number for the listener.
    public var rawValue: Int

    /// Wraps a transport-chosen number.
    ///
    /// - Parameter rawValue: Any number unique among the transport's listeners.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }
}
