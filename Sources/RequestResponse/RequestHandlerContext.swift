public import Logging
public import MQTT5
public import NIOCore

/// What a request handler knows about the request it is answering, besides its payload: who
/// asked, how to correlate, until when, and a logger carrying the request's metadata.
///
/// A ``RequestResponder`` runs every handler with its context bound to ``current`` (a task
/// local), so generated service handlers, which receive only the decoded request, read it there:
///
/// ```swift
/// func getShadow(_ request: IoTShadow.GetShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
///     let context = RequestHandlerContext.current
///     context?.logger.debug("get", metadata: ["caller": "\(context?.callerClientID ?? "-")"])
///     ...
/// }
/// ```
public struct RequestHandlerContext: Sendable {
    /// The context of the request the current task is handling, if any.
    @TaskLocal public static var current: RequestHandlerContext?

    /// The request's topic.
    public var topic: String
    /// The caller's MQTT client identifier, when the caller sent it
    /// (``IncomingRequest/callerClientIDUserProperty``, opt-in on the client).
    public var callerClientID: String?
    /// The MQTT 5 correlation data of the request, if any.
    public var correlationData: ByteBuffer?
    /// The MQTT 5 response topic of the request, if any.
    public var responseTopic: String?
    /// The request's MQTT 5 user properties.
    public var userProperties: [MQTTUserProperty]
    /// When the caller stops waiting, if the request said (MQTT 5 Message Expiry Interval). The
    /// handler's task is cancelled at this instant.
    public var deadline: ContinuousClock.Instant?
    /// A logger with the request's metadata (`mqtt.topic`, `mqtt.caller` when known).
    public var logger: Logger {
        var logger = responderLogger
        logger[metadataKey: "mqtt.topic"] = "\(topic)"
        if let callerClientID { logger[metadataKey: "mqtt.caller"] = "\(callerClientID)" }
        return logger
    }

    private let responderLogger: Logger

    /// Creates the context of `request`.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - logger: The responder's logger; the request's metadata is added.
    public init(request: IncomingRequest, logger: Logger) {
        self.topic = request.topic
        self.callerClientID = request.callerClientID
        self.correlationData = request.correlationData
        self.responseTopic = request.responseTopic
        self.userProperties = request.userProperties
        self.deadline = request.deadline
        self.responderLogger = logger
    }
}
