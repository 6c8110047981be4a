public import Logging
public import MQTT5
public import NIOCore

/// The service half of RPC over MQTT: receives requests on topic filters and publishes responses.
///
/// Used by examples and tests in place of a real service. Handlers run concurrently in their
/// own tasks, never on the event loop. Subscriptions are renewed when the connection comes
/// back without the session.
///
/// ```swift
/// let responder = RequestResponder(transport: transport)
/// let registration = try await responder.serve(topicFilter: "rpc/echo") { request in
///     try? await responder.respond(to: request, payload: request.payload)  // MQTT 5 response topic
/// }
/// ```
public final class RequestResponder: Sendable {
    let core: RequestResponderCore
    /// The logger the responder was created with; generated services' `register(on:)` and
    /// ``serve(topicFilter:handler:)`` log through it unless given another.
    public let logger: Logger

    /// Creates a responder over `transport`.
    ///
    /// - Parameters:
    ///   - transport: The MQTT connection or a test double.
    ///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
    ///     metadata travels with every line.
    ///   - acknowledgementTimeout: Bounds every SUBACK and PUBACK wait.
    public init(
        transport: any RequestResponseTransport, logger: Logger = .current,
        acknowledgementTimeout: Duration = .seconds(30)
    ) {
        self.logger = logger
        self.core = RequestResponderCore(
            transport: transport, logger: logger, acknowledgementTimeout: acknowledgementTimeout)
    }

    /// Subscribes to `topicFilter` and calls `handler` for every request published on a matching
    /// topic, concurrently and off the event loop. Returns after the SUBACK, so requests
    /// published afterwards are received.
    ///
    /// - Parameters:
    ///   - topicFilter: The filter to serve (wildcards and shared subscriptions allowed).
    ///   - handler: Called with each request in a new task.
    /// - Returns: A registration to stop serving.
    /// - Throws: ``RequestResponseError``: `invalidArgument` for an invalid filter,
    ///   `subscribeFailure` (with the SUBACK reason code) or `timeout` when subscribing fails,
    ///   `clientShutDown` after ``close()``.
    public func serve(
        topicFilter: String, handler: @escaping @Sendable (IncomingRequest) async -> Void
    ) async throws(RequestResponseError) -> ResponderRegistration {
        let filter: MQTTTopicFilter
        do {
            filter = try MQTTTopicFilter(topicFilter)
        } catch {
            throw .invalidArgument("invalid topic filter to serve: \(error)", cause: error)
        }
        let id = try await core.serve(filter: filter, handler: handler).get()
        return ResponderRegistration(core: core, id: id)
    }

    /// Publishes a response to `topic` at QoS 1, echoing the request's correlation data.
    ///
    /// - Parameters:
    ///   - request: The request answered.
    ///   - topic: The response topic name (for example `…/accepted`).
    ///   - payload: The response payload.
    ///   - properties: Extra PUBLISH properties (content type, user properties…).
    /// - Throws: ``RequestResponseError``: `invalidArgument` for an invalid topic,
    ///   `publishFailure` (with the PUBACK reason code), `timeout`, `clientShutDown`.
    public func respond(
        to request: IncomingRequest, topic: String, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()
    ) async throws(RequestResponseError) {
        do {
            try MQTTTopic.validateName(topic)
        } catch {
            throw .invalidArgument("invalid response topic: \(error)", cause: error)
        }
        var properties = properties
        properties.correlationData = request.correlationData
        try await core.publish(topic: topic, payload: payload, properties: properties).get()
    }

    /// Publishes a response to the request's MQTT 5 response topic, echoing its correlation data.
    ///
    /// - Parameters:
    ///   - request: The request answered; it must carry a response topic.
    ///   - payload: The response payload.
    ///   - properties: Extra PUBLISH properties.
    /// - Throws: ``RequestResponseError``: `invalidArgument` when the request has no response
    ///   topic, otherwise as ``respond(to:topic:payload:properties:)``.
    public func respond(
        to request: IncomingRequest, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()
    ) async throws(RequestResponseError) {
        guard let topic = request.responseTopic else {
            throw .invalidArgument("the request on '\(request.topic)' carries no response topic")
        }
        try await respond(to: request, topic: topic, payload: payload, properties: properties)
    }

    /// Stops serving every filter and unsubscribes. Handlers already running finish on their own.
    public func close() async {
        await core.close()
    }
}

/// One filter served by a ``RequestResponder``.
public struct ResponderRegistration: Sendable {
    let core: RequestResponderCore
    let id: UInt64

    /// Stops serving this filter and unsubscribes (unless another registration serves the same filter).
    public func cancel() async {
        await core.cancel(id: id)
    }
}
