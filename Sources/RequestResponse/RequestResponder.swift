public import Logging
public import MQTT5
public import NIOCore

/// The service half of RPC over MQTT: receives requests on topic filters and publishes responses.
///
/// A responder is a swift-service-lifecycle `Service`: ``run()`` runs its handlers in a task
/// group, at most ``Options/maxConcurrentHandlers`` at once (later requests wait in arrival
/// order, unacknowledged, so the broker's flow control holds the rest back), until a graceful
/// shutdown or cancellation; it then unsubscribes, lets the requests it took finish within
/// ``Options/shutdownGracePeriod`` and returns. Without ``run()`` each handler runs in a task
/// of its own, within the same bound.
///
/// A request carrying an MQTT 5 Message Expiry Interval has a deadline: it is dropped (and
/// counted) if it expires before a handler takes it, and its handler's task is cancelled when
/// it passes. Handlers read the request's ``RequestHandlerContext`` from
/// ``RequestHandlerContext/current``.
///
/// ```swift
/// let responder = RequestResponder(mqtt, options: .init(maxConcurrentHandlers: 16, sharedSubscriptionGroup: "echo"))
/// _ = try await responder.serve(topicFilter: "rpc/echo") { request in
///     try? await responder.respond(to: request, payload: request.payload)  // MQTT 5 response topic
/// }
/// try await ServiceGroup(services: [mqtt, responder], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public final class RequestResponder: Sendable {
    let core: RequestResponderCore
    /// The logger the responder was created with; generated services' `register(on:)` and
    /// ``serve(topicFilter:operationName:handler:)`` log through it unless given another.
    public let logger: Logger
    /// The options the responder was created with.
    public let options: Options

    /// Creates a responder over `transport`.
    ///
    /// - Parameters:
    ///   - transport: The MQTT connection or a test double.
    ///   - options: Concurrency, shutdown, shared subscription and deduplication settings.
    ///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
    ///     metadata travels with every line.
    public init(
        transport: any RequestResponseTransport, options: Options = Options(), logger: Logger = .current
    ) {
        var options = options
        options.maxConcurrentHandlers = max(1, options.maxConcurrentHandlers)
        self.logger = logger
        self.options = options
        self.core = RequestResponderCore(transport: transport, logger: logger, options: options)
    }

    /// Creates a responder over `transport` with default options and the given acknowledgement timeout.
    ///
    /// - Parameters:
    ///   - transport: The MQTT connection or a test double.
    ///   - logger: Where to log.
    ///   - acknowledgementTimeout: Bounds every SUBACK and PUBACK wait.
    public convenience init(
        transport: any RequestResponseTransport, logger: Logger = .current, acknowledgementTimeout: Duration
    ) {
        self.init(
            transport: transport, options: Options(acknowledgementTimeout: acknowledgementTimeout), logger: logger)
    }

    /// Subscribes to `topicFilter` (through `$share/<group>/` when the options name a
    /// ``Options/sharedSubscriptionGroup``) and calls `handler` for every request published on a
    /// matching topic, off the event loop and within ``Options/maxConcurrentHandlers``. Returns
    /// after the SUBACK, so requests published afterwards are received.
    ///
    /// - Parameters:
    ///   - topicFilter: The filter to serve (wildcards allowed; a `$share/...` filter is used as given).
    ///   - operationName: Names the operation in spans and metrics; the filter by default.
    ///   - handler: Called with each request, with ``RequestHandlerContext/current`` bound.
    /// - Returns: A registration to stop serving.
    /// - Throws: ``RequestResponseError``: `invalidArgument` for an invalid filter,
    ///   `subscribeFailure` (with the SUBACK reason code) or `timeout` when subscribing fails,
    ///   `clientShutDown` after ``close()`` or a shutdown.
    public func serve(
        topicFilter: String, operationName: String? = nil,
        handler: @escaping @Sendable (IncomingRequest) async -> Void
    ) async throws(RequestResponseError) -> ResponderRegistration {
        let filter: MQTTTopicFilter
        do {
            let plain = try MQTTTopicFilter(topicFilter)
            if let group = options.sharedSubscriptionGroup, !plain.isShared {
                filter = try MQTTTopicFilter("\(MQTTTopic.sharedSubscriptionPrefix)\(group)/\(topicFilter)")
            } else {
                filter = plain
            }
        } catch {
            throw .invalidArgument("invalid topic filter to serve: \(error)", cause: error)
        }
        let id = try await core.serve(filter: filter, operation: operationName ?? topicFilter, handler: handler).get()
        return ResponderRegistration(core: core, id: id)
    }

    /// Publishes a response to `topic` at QoS 1, echoing the request's correlation data and
    /// carrying the request's remaining time as Message Expiry Interval, and waits for the
    /// broker's acknowledgement.
    ///
    /// ``reply(to:topic:payload:properties:)`` is the cheaper way to answer from a handler when
    /// the handler does not need the outcome.
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
        let response = try Self.response(to: request, topic: topic, payload: payload, properties: properties)
        try await core.publish(response, for: request).get()
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
        try await respond(to: request, topic: Self.responseTopic(of: request), payload: payload, properties: properties)
    }

    /// Answers a request without waiting for the broker's acknowledgement: the response (QoS 1,
    /// with the request's correlation data and remaining time, as ``respond(to:topic:payload:properties:)``)
    /// is published when the handler returns, in the same event-loop step that counts the handler
    /// finished. Until its PUBACK arrives the response keeps a graceful shutdown waiting (within
    /// ``Options/shutdownGracePeriod``); a failure is logged and counted in
    /// ``Statistics/failedResponses``. Called after the handler returned, or for a request the
    /// responder did not make, it publishes at once.
    ///
    /// Generated services answer this way.
    ///
    /// - Parameters:
    ///   - request: The request answered.
    ///   - topic: The response topic name.
    ///   - payload: The response payload.
    ///   - properties: Extra PUBLISH properties.
    /// - Throws: ``RequestResponseError`` with code `invalidArgument` for an invalid topic.
    public func reply(
        to request: IncomingRequest, topic: String, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()
    ) throws(RequestResponseError) {
        let response = try Self.response(to: request, topic: topic, payload: payload, properties: properties)
        if request.replies?.append(response) == true { return }
        core.publishDetached(response, for: request)
    }

    /// Answers a request on its MQTT 5 response topic without waiting for the acknowledgement, as
    /// ``reply(to:topic:payload:properties:)`` does.
    ///
    /// - Parameters:
    ///   - request: The request answered; it must carry a response topic.
    ///   - payload: The response payload.
    ///   - properties: Extra PUBLISH properties.
    /// - Throws: ``RequestResponseError`` with code `invalidArgument` when the request has no
    ///   response topic.
    public func reply(
        to request: IncomingRequest, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()
    ) throws(RequestResponseError) {
        try reply(to: request, topic: Self.responseTopic(of: request), payload: payload, properties: properties)
    }

    private static func responseTopic(of request: IncomingRequest) throws(RequestResponseError) -> String {
        guard let topic = request.responseTopic else {
            throw .invalidArgument("the request on '\(request.topic)' carries no response topic")
        }
        return topic
    }

    /// The response PUBLISH: the topic checked, the request's correlation data echoed and its
    /// remaining time (rounded up to whole seconds) as Message Expiry Interval.
    private static func response(
        to request: IncomingRequest, topic: String, payload: ByteBuffer, properties: MQTTProperties
    ) throws(RequestResponseError) -> ResponderResponse {
        do {
            try MQTTTopic.validateName(topic)
        } catch {
            throw .invalidArgument("invalid response topic: \(error)", cause: error)
        }
        var properties = properties
        properties.correlationData = request.correlationData
        if properties.messageExpiryInterval == nil, let deadline = request.deadline {
            let remaining = ContinuousClock.now.duration(to: deadline).components
            properties.messageExpiryInterval = UInt32(
                clamping: max(1, remaining.seconds + (remaining.attoseconds > 0 ? 1 : 0)))
        }
        return ResponderResponse(topic: topic, payload: payload, properties: properties)
    }

    /// Stops serving every filter and unsubscribes. Handlers already running finish on their
    /// own; ``run()`` is the way to wait for them.
    public func close() async {
        await core.close()
    }

    /// A snapshot of the responder's counters.
    public var statistics: Statistics {
        get async { await core.statistics() }
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
