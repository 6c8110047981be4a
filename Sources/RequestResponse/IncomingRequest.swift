public import MQTT5
public import NIOCore

/// A request received by a ``RequestResponder``.
public struct IncomingRequest: Sendable {
    /// The user property that carries the caller's MQTT client identifier when the caller opts
    /// in (``RequestResponseClient/Options/sendsCallerClientID``).
    public static let callerClientIDUserProperty = "mqtt-rpc-caller"

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
    /// When the request expires: its arrival plus its MQTT 5 Message Expiry Interval (the
    /// caller's remaining time, as the broker passes it on). `nil` when it carries none.
    public var deadline: ContinuousClock.Instant?
    /// Where ``RequestResponder/reply(to:topic:payload:properties:)`` queues responses while the
    /// request's handler runs; `nil` for requests a responder did not make.
    var replies: ResponderReplies?

    /// Creates a received request.
    ///
    /// - Parameters:
    ///   - topic: The topic it was published on.
    ///   - payload: The payload.
    ///   - properties: The PUBLISH properties; ``responseTopic`` and ``correlationData`` are taken
    ///     from them, and ``deadline`` from their Message Expiry Interval, counted from now.
    public init(topic: String, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()) {
        self.topic = topic
        self.payload = payload
        self.responseTopic = properties.responseTopic
        self.correlationData = properties.correlationData
        self.properties = properties
        self.deadline = properties.messageExpiryInterval.map { .now + .seconds($0) }
    }

    /// The MQTT 5 user properties of the request.
    public var userProperties: [MQTTUserProperty] { properties.userProperties }

    /// The caller's client identifier, when it sent one (``callerClientIDUserProperty``).
    public var callerClientID: String? {
        properties.userProperties.first { $0.name == Self.callerClientIDUserProperty }?.value
    }
}
