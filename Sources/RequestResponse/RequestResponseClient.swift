public import Logging
public import MQTT5
import NIOCore
import Synchronization

/// Request-response and streaming operations over MQTT: the client half of RPC.
///
/// A request subscribes to its response topics (sharing one MQTT subscription per filter with
/// every other request, within ``Options/maxRequestResponseSubscriptions``), waits for the
/// SUBACK, publishes, and completes with the response whose correlation token matches. A
/// streaming operation subscribes to one filter and yields its publishes and subscription
/// status changes as an `AsyncSequence`.
///
/// All state lives on the transport's event loop: a request costs one hop onto the loop and
/// one continuation resume; incoming publishes are routed there with two dictionary look-ups.
/// User code never runs on the loop.
///
/// Call ``close()`` when done; releasing the client without closing it shuts it down too
/// (without waiting for the UNSUBACKs), halting any stream still open.
///
/// ```swift
/// let client = try RequestResponseClient(transport: transport, options: .init(
///     maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 2, operationTimeout: .seconds(10)))
/// let response = try await client.request(RequestResponseClient.RequestOptions(
///     subscriptionTopicFilters: ["$aws/things/dev-1/shadow/get/+"],
///     responsePaths: [
///         .init(topic: "$aws/things/dev-1/shadow/get/accepted", correlationTokenJSONPath: "clientToken"),
///         .init(topic: "$aws/things/dev-1/shadow/get/rejected", correlationTokenJSONPath: "clientToken"),
///     ],
///     publishTopic: "$aws/things/dev-1/shadow/get",
///     payload: ByteBuffer(string: #"{"clientToken":"42"}"#),
///     correlationToken: "42"))
/// ```
public final class RequestResponseClient: Sendable {
    /// The options the client was created with.
    public let options: Options
    /// The response topic of correlation-data requests (``Options/correlationDataResponseTopic``
    /// or the generated one).
    public let correlationDataResponseTopic: String
    let core: RequestResponseClientCore
    let metrics = ClientRequestMetrics()

    /// Creates a client over `transport` and starts listening to it.
    ///
    /// - Parameters:
    ///   - transport: The MQTT connection (MQTT 5 or 3.1.1) or a test double.
    ///   - options: Budgets and timeouts; validated.
    ///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
    ///     metadata travels with every line.
    /// - Throws: ``RequestResponseError`` with code ``RequestResponseError/Code/invalidArgument``
    ///   when an option is invalid.
    public init(
        transport: any RequestResponseTransport, options: Options,
        logger: Logger = .current
    ) throws(RequestResponseError) {
        try options.validate()
        var random = SystemRandomNumberGenerator()
        let prefix = random.next() as UInt64
        let topic =
            options.correlationDataResponseTopic
            ?? "rr/responses/\(String(prefix, radix: 16))\(String(random.next() as UInt64, radix: 16))"
        self.options = options
        self.correlationDataResponseTopic = topic
        let configuration = RequestResponseStateMachine.Configuration(
            subscriptions: .init(
                maxRequestResponseSubscriptions: options.maxRequestResponseSubscriptions,
                maxStreamingSubscriptions: options.maxStreamingSubscriptions,
                idleTimeout: options.idleSubscriptionTimeout,
                retryInitialBackoff: options.streamingRetryInitialBackoff,
                retryMaximumBackoff: options.streamingRetryMaximumBackoff
            ),
            acknowledgementTimeout: options.operationTimeout,
            correlationDataResponseTopic: topic,
            correlationDataPrefix: prefix,
            sendsDeadline: options.sendsDeadline
        )
        self.core = RequestResponseClientCore(transport: transport, configuration: configuration, logger: logger)
        core.start()
    }

    deinit {
        core.shutdownWhenUnused()
    }

    /// Sends a request and waits for its response.
    ///
    /// The options are validated before anything is sent or awaited. The deadline counts from
    /// this call, covering queueing for subscription capacity or for an earlier request with the
    /// same token, subscribing, publishing and waiting. Cancelling the calling task ends the
    /// request at once with ``RequestResponseError/Code/cancelled`` and releases what it held.
    ///
    /// - Parameters:
    ///   - request: What to subscribe to, publish, and wait for.
    ///   - timeout: Overrides ``Options/operationTimeout`` for this request; must be positive.
    /// - Returns: The response: its topic, payload and MQTT 5 properties.
    /// - Throws: ``RequestResponseError``: `invalidArgument` (synchronously, before any await),
    ///   `noSubscriptionCapacity` (more distinct filters than the budget), `timeout`,
    ///   `publishFailure`, `subscribeFailure`, `sessionLost`, `clientShutDown`, `cancelled`.
    public func request(
        _ request: RequestResponseClient.RequestOptions, timeout: Duration? = nil
    ) async throws(RequestResponseError) -> RequestResponseClient.Response {
        let timeout = timeout ?? options.operationTimeout
        guard timeout > .zero else { throw .invalidArgument("the request timeout must be positive, got \(timeout)") }
        var prepared = try PreparedRequest(
            request, maxRequestResponseSubscriptions: options.maxRequestResponseSubscriptions,
            correlationDataResponseTopic: correlationDataResponseTopic
        )
        if core.isClosed { throw .clientShutDown() }
        if Task.isCancelled { throw .cancelled() }
        if let caller = options.callerClientID {
            prepared.properties.userProperties.append(
                MQTTUserProperty(name: IncomingRequest.callerClientIDUserProperty, value: caller))
        }
        return try await ClientRequestInstrumentation.instrument(prepared, metrics: metrics) { prepared in
            await core.request(prepared, timeout: timeout)
        }.get()
    }

    /// Creates a streaming operation on one topic filter, not yet open.
    ///
    /// Call ``StreamingOperation/open()`` to subscribe (or use
    /// ``withStreamingOperation(_:isolation:_:)``), then iterate it.
    ///
    /// - Parameter options: The topic filter.
    /// - Returns: The closed streaming operation.
    /// - Throws: ``RequestResponseError`` with code `invalidArgument` for an invalid filter, or
    ///   `clientShutDown` after ``close()``.
    public func streamingOperation(
        _ options: StreamingOperationOptions
    ) throws(RequestResponseError) -> StreamingOperation {
        let filter: MQTTTopicFilter
        do {
            filter = try MQTTTopicFilter(options.topicFilter)
        } catch {
            throw .invalidArgument("invalid streaming topic filter: \(error)", cause: error)
        }
        if core.isClosed { throw .clientShutDown() }
        return StreamingOperation(
            core: core, filter: filter, bufferCapacity: self.options.streamBufferCapacity,
            listeners: options.hasListeners ? options : nil)
    }

    /// Opens a streaming operation, runs `body` with it, and closes it when `body` returns or
    /// throws (releasing its subscription).
    ///
    /// - Parameters:
    ///   - options: The topic filter.
    ///   - isolation: The caller's isolation.
    ///   - body: Uses the open stream, typically iterating it.
    /// - Returns: What `body` returns.
    /// - Throws: What ``streamingOperation(_:)`` or `body` throws.
    public func withStreamingOperation<Result>(
        _ options: StreamingOperationOptions,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (StreamingOperation) async throws -> Result
    ) async throws -> Result {
        let stream = try streamingOperation(options)
        try stream.open()
        defer { stream.close() }
        return try await body(stream)
    }

    /// Closes the client: pending requests fail with ``RequestResponseError/Code/clientShutDown``,
    /// streams get ``SubscriptionStatusEventType/halted`` and end, and every subscription is
    /// unsubscribed (waiting for the UNSUBACKs at most ``Options/operationTimeout``). Later
    /// requests fail with `clientShutDown`. Idempotent.
    public func close() async {
        await core.close()
    }

    /// A snapshot of the counters and gauges, read on the event loop.
    public var statistics: RequestResponseStatistics {
        get async { await core.statistics() }
    }

    /// A task executor on the transport's event loop, for a latency-bound caller that opts in to
    /// running its own code there: a request then costs no thread hand-off in either direction
    /// (see ``MQTT5/EventLoopTaskExecutor`` for the price).
    ///
    /// ```swift
    /// try await withTaskExecutorPreference(client.taskExecutor) {
    ///     for request in requests { _ = try await client.request(request) }
    /// }
    /// ```
    public var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(core.eventLoop) }
}
