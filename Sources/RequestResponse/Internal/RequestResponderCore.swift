import CoreMetrics
import DequeModule
import Logging
import MQTT5
import NIOCore
import Tracing

/// The event-loop side of a ``RequestResponder``; all state is confined to `eventLoop`.
///
/// Requests go through one first-in-first-out queue: a request is taken (acknowledged to the
/// broker, checked for expiry, handed to a handler) only while fewer than
/// `maxConcurrentHandlers` handlers run. While ``RequestResponder/run()`` runs, handlers run on
/// worker tasks in its task group (`RequestResponderCore+Workers.swift`), else each in a task
/// of its own.
final class RequestResponderCore: @unchecked Sendable {
    typealias Handler = @Sendable (IncomingRequest) async -> Void

    private struct Registration {
        /// The filter as subscribed (with `$share/<group>/` when shared).
        var filter: MQTTTopicFilter
        var handler: Handler
        var operation: String
        var metrics: ResponderMetrics
    }

    /// One request for one handler.
    struct Job: Sendable {
        var request: IncomingRequest
        var handler: Handler
        var operation: String
        var metrics: ResponderMetrics
        var acknowledgement: (@Sendable () -> Void)?
    }

    /// What ``RequestResponder/run()`` receives.
    enum RunEvent: Sendable {
        /// Every worker is busy and fewer than `maxConcurrentHandlers` exist: start one with this job.
        case startWorker(Job)
        /// The graceful shutdown ran out of time: cancel the handlers still running.
        case cancelRemaining
    }

    /// A worker waiting for its next job (`nil`: stop).
    typealias Worker = UnsafeContinuation<Job?, Never>

    enum Dispatch {
        case unstructured
        case run(AsyncStream<RunEvent>.Continuation)
    }

    let eventLoop: any EventLoop
    let transport: any RequestResponseTransport
    let logger: Logger
    let options: RequestResponder.Options
    var acknowledgementTimeout: Duration { options.acknowledgementTimeout }

    private var registrations: [UInt64: Registration] = [:]
    private var trie = TopicFilterTrie<UInt64>()
    private var nextID: UInt64 = 1
    private var listenerID: RequestResponseTransportListenerID?
    private var closed = false
    var dispatch = Dispatch.unstructured
    private var pending = Deque<Job>()
    private var running = 0
    /// Workers of ``RequestResponder/run()`` waiting for a job, the last one to finish last.
    var idleWorkers: [Worker] = []
    /// Responses queued by handlers that were published and not yet acknowledged.
    private var unacknowledgedReplies = 0
    private var shuttingDown = false
    private var unsubscribed = false
    private var graceTimer: Scheduled<Void>?
    private var deduplication: ResponderDeduplication?
    var counters = RequestResponder.Statistics()

    init(transport: any RequestResponseTransport, logger: Logger, options: RequestResponder.Options) {
        self.eventLoop = transport.eventLoop
        self.transport = transport
        self.logger = logger
        self.options = options
        if options.deduplicationCapacity > 0 {
            deduplication = ResponderDeduplication(capacity: options.deduplicationCapacity)
        }
    }

    // MARK: Registrations

    func serve(
        filter: MQTTTopicFilter, operation: String, handler: @escaping Handler
    ) async -> Result<UInt64, RequestResponseError> {
        let metrics = ResponderMetrics(operation: operation)
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<UInt64> in
            guard !closed, !shuttingDown else {
                return eventLoop.makeFailedFuture(RequestResponseError.clientShutDown("the responder was closed"))
            }
            if listenerID == nil {
                listenerID = transport.addListener { [self] event in handle(event) }
            }
            let id = nextID
            nextID += 1
            // Registered before subscribing so nothing published after the SUBACK is missed.
            registrations[id] = Registration(filter: filter, handler: handler, operation: operation, metrics: metrics)
            trie.insert(id, for: filter.filter)
            return bounded(transport.subscribe(topicFilter: filter.rawValue), what: "SUBACK for '\(filter)'")
                .flatMapErrorThrowing { error in
                    throw Self.subscribeError(filter: filter, error: error)
                }
                .flatMapThrowing { code in
                    guard !code.isError else {
                        throw RequestResponseError(
                            code: .subscribeFailure,
                            message: "the broker rejected SUBSCRIBE to '\(filter)' (\(code))", reasonCode: .subAck(code)
                        )
                    }
                    return id
                }
                .flatMapErrorWithEventLoop { [self] error, _ in
                    removeRegistration(id)
                    return eventLoop.makeFailedFuture(error)
                }
        }
        return await Self.result(future)
    }

    func cancel(id: UInt64) async {
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            guard let registration = removeRegistration(id) else { return eventLoop.makeSucceededVoidFuture() }
            let stillServed = registrations.values.contains { $0.filter.rawValue == registration.filter.rawValue }
            guard !stillServed, transport.isConnected else { return eventLoop.makeSucceededVoidFuture() }
            return bounded(transport.unsubscribe(topicFilter: registration.filter.rawValue), what: "UNSUBACK").map {
                _ in
            }
        }
        _ = await Self.result(future)
    }

    /// Stops serving: unsubscribes every filter (waiting for the UNSUBACKs, bounded) and stops
    /// listening. Handlers already running are not waited for.
    func close() async {
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            closed = true
            return unsubscribeAll().map { [self] in stopListening() }
        }
        _ = await Self.result(future)
    }

    // MARK: Publishing

    func publish(
        _ response: ResponderResponse, for request: IncomingRequest?
    ) async -> Result<Void, RequestResponseError> {
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            if let request { remember(response, for: request) }
            return publishOnLoop(topic: response.topic, payload: response.payload, properties: response.properties)
        }
        return await Self.result(future)
    }

    /// Publishes `response` without anyone waiting for it: a failure is logged and counted.
    func publishDetached(_ response: ResponderResponse, for request: IncomingRequest) {
        eventLoop.execute { [self] in sendReplies([response], for: request) }
    }

    /// Publishes the responses a handler queued (on the event loop): they count as unacknowledged
    /// until their PUBACKs, and a graceful shutdown waits for them (within its grace period).
    func sendReplies(_ replies: [ResponderResponse], for request: IncomingRequest) {
        for response in replies {
            remember(response, for: request)
            unacknowledgedReplies += 1
            transport.publish(topic: response.topic, payload: response.payload, properties: response.properties) {
                [self] result in
                unacknowledgedReplies -= 1
                var failure: String?
                switch result {
                case .success(let code) where code.isError: failure = "\(code)"
                case .success: break
                case .failure(let error): failure = "\(error)"
                }
                if let failure {
                    counters.failedResponses += 1
                    logger.info(
                        "could not publish a response",
                        metadata: ["mqtt.topic": "\(response.topic)", "mqtt.error": "\(failure)"])
                }
                finishRunIfDrained()
            }
        }
    }

    private func remember(_ response: ResponderResponse, for request: IncomingRequest) {
        guard deduplication != nil else { return }
        deduplication?.record(response, for: ResponderDeduplication.key(for: request))
    }

    private func publishOnLoop(topic: String, payload: ByteBuffer, properties: MQTTProperties) -> EventLoopFuture<Void>
    {
        bounded(
            transport.publish(topic: topic, payload: payload, properties: properties), what: "PUBACK for '\(topic)'"
        )
        .flatMapThrowing { code in
            guard !code.isError else {
                throw RequestResponseError(
                    code: .publishFailure,
                    message: "the broker rejected the response PUBLISH to '\(topic)' (\(code))",
                    reasonCode: .pubAck(code)
                )
            }
        }
        .flatMapErrorThrowing { error in
            if let error = error as? RequestResponseError { throw error }
            throw RequestResponseError(
                code: .publishFailure, message: "the response PUBLISH to '\(topic)' failed in the transport",
                cause: error
            )
        }
    }

    // MARK: Running handlers

    /// ``RequestResponder/run()`` starts: handlers run in its task group from now on.
    func attach(_ continuation: AsyncStream<RunEvent>.Continuation) async -> Result<Void, RequestResponseError> {
        let future = eventLoop.submit { [self] () throws -> Void in
            guard !closed, !shuttingDown else { throw RequestResponseError.clientShutDown("the responder was closed") }
            if case .run = dispatch {
                throw RequestResponseError.invalidArgument("the responder is already running")
            }
            dispatch = .run(continuation)
            continuation.onTermination = { [self] _ in eventLoop.execute { self.runEnded() } }
        }
        return await Self.result(future)
    }

    /// Graceful shutdown (or cancellation) of ``RequestResponder/run()``: stop taking requests
    /// (unsubscribe), let the queued and running ones finish within the grace period, then end
    /// the run's stream, cancelling the handlers still running when time runs out.
    func beginShutdown() {
        eventLoop.execute { [self] in
            guard !shuttingDown else { return }
            shuttingDown = true
            logger.debug(
                "responder shutting down", metadata: ["mqtt.queued": "\(pending.count)", "mqtt.running": "\(running)"])
            graceTimer = eventLoop.scheduleTask(in: TimeAmount(options.shutdownGracePeriod)) { [self] in
                graceTimer = nil
                logger.info(
                    "responder grace period over; cancelling handlers",
                    metadata: ["mqtt.queued": "\(pending.count)", "mqtt.running": "\(running)"])
                abandonPending()
                if case .run(let continuation) = dispatch {
                    continuation.yield(.cancelRemaining)
                    finishRun(continuation)
                }
            }
            unsubscribeAll().whenComplete { [self] _ in
                unsubscribed = true
                stopListening()
                finishRunIfDrained()
            }
        }
    }

    func finishRunIfDrained() {
        guard shuttingDown, unsubscribed, pending.isEmpty, running == 0, unacknowledgedReplies == 0 else { return }
        if case .run(let continuation) = dispatch {
            finishRun(continuation)
        }
    }

    /// ``RequestResponder/run()`` ended (returned or was cancelled): nothing runs handlers any more.
    private func runEnded() {
        closed = true
        dispatch = .unstructured
        graceTimer?.cancel()
        graceTimer = nil
        abandonPending()
        releaseIdleWorkers()
    }

    /// Drops the requests no handler took, acknowledging them: an unacknowledged publish would
    /// hold back the acknowledgements of every later one on the connection (MQTT-4.6.0-2).
    private func abandonPending() {
        counters.abandoned += pending.count
        for job in pending { job.acknowledgement?() }
        pending.removeAll()
    }

    private func finishRun(_ continuation: AsyncStream<RunEvent>.Continuation) {
        graceTimer?.cancel()
        graceTimer = nil
        closed = true
        dispatch = .unstructured
        releaseIdleWorkers()
        continuation.finish()
    }

    /// Takes queued requests while handlers are free: hands each to an idle worker, a new
    /// worker, or (without ``RequestResponder/run()``) a task of its own.
    private func startJobs() {
        while running < options.maxConcurrentHandlers, let job = takeJob() {
            switch dispatch {
            case .unstructured:
                Task { [self] in
                    let outcome = await Self.execute(job, core: self)
                    eventLoop.execute { self.jobFinished(job, outcome) }
                }
            case .run(let continuation):
                if let worker = idleWorkers.popLast() {
                    worker.resume(returning: job)
                } else {
                    continuation.yield(.startWorker(job))
                }
            }
        }
    }

    /// The next queued request a handler may start, acknowledged and counted as running; requests
    /// that expired while queued are dropped (and counted) on the way.
    func takeJob() -> Job? {
        while let job = pending.popFirst() {
            job.acknowledgement?()
            if let deadline = job.request.deadline, deadline <= .now {
                counters.droppedExpired += 1
                job.metrics.expired.increment()
                logger.debug("request expired before it started", metadata: ["mqtt.topic": "\(job.request.topic)"])
                continue
            }
            running += 1
            counters.started += 1
            counters.maxRunning = max(counters.maxRunning, running)
            job.metrics.inFlight.increment()
            return job
        }
        return nil
    }

    /// How a handler's run ended.
    struct Outcome: Sendable {
        var deadlineExceeded: Bool
        /// The responses it queued with ``RequestResponder/reply(to:topic:payload:properties:)``.
        var replies: [ResponderResponse]
    }

    /// Runs one handler (off the event loop) with its context, span and deadline.
    static func execute(_ job: Job, core: RequestResponderCore) async -> Outcome {
        let request = job.request
        let context = RequestHandlerContext(request: request, logger: core.logger)
        let clock = ContinuousClock()
        let start = clock.now
        @Sendable func run() async -> Bool {
            await RequestHandlerContext.$current.withValue(context) { () async -> Bool in
                guard let deadline = request.deadline else {
                    await job.handler(request)
                    return false
                }
                return await runUntil(deadline) { await job.handler(request) }
            }
        }
        let deadlineExceeded: Bool
        if TraceContextPropagation.instrumentIsNoOp {
            deadlineExceeded = await run()
        } else {
            let parent = TraceContextPropagation.extract(from: request.userProperties)
            deadlineExceeded = await withSpan(job.operation, context: parent, ofKind: .server) { span in
                if span.isRecording {
                    span.attributes["messaging.destination.name"] = request.topic
                    if let caller = request.callerClientID { span.attributes["messaging.client.id"] = caller }
                }
                let exceeded = await run()
                if exceeded { span.setStatus(SpanStatus(code: .error, message: "deadline exceeded")) }
                return exceeded
            }
        }
        job.metrics.duration.recordNanoseconds(Self.nanoseconds(start.duration(to: clock.now)))
        return Outcome(deadlineExceeded: deadlineExceeded, replies: request.replies?.close() ?? [])
    }

    /// Runs `body`, cancelling it at `deadline`; returns whether the deadline cut it short.
    private static func runUntil(
        _ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async -> Void
    ) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return false
            }
            group.addTask {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return true
                } catch {
                    return false
                }
            }
            let exceeded = await group.next() ?? false
            group.cancelAll()
            await group.waitForAll()
            return exceeded
        }
    }

    /// A handler returned (on the event loop): publishes what it queued and counts it finished.
    func jobFinished(_ job: Job, _ outcome: Outcome) {
        sendReplies(outcome.replies, for: job.request)
        running -= 1
        counters.completed += 1
        job.metrics.inFlight.decrement()
        if outcome.deadlineExceeded {
            counters.deadlineExceeded += 1
            job.metrics.deadlineExceeded.increment()
        } else {
            job.metrics.handled.increment()
        }
        startJobs()
        finishRunIfDrained()
    }

    func statistics() async -> RequestResponder.Statistics {
        (try? await eventLoop.submit { [self] in
            var statistics = counters
            statistics.running = running
            statistics.queued = pending.count
            return statistics
        }.get()) ?? counters
    }

    // MARK: Transport events

    private func handle(_ event: RequestResponseTransportEvent) {
        switch event {
        case .publish(let publish):
            receive(publish)
        case .connected(sessionPresent: false):
            guard !shuttingDown else { return }
            for filter in Set(registrations.values.map(\.filter.rawValue)).sorted() {
                bounded(transport.subscribe(topicFilter: filter), what: "SUBACK").whenComplete { [logger] result in
                    if case .success(let code) = result, !code.isError { return }
                    logger.info(
                        "responder could not resubscribe",
                        metadata: ["mqtt.filter": "\(filter)", "mqtt.result": "\(result)"])
                }
            }
        case .connected, .disconnected:
            break
        }
    }

    private func receive(_ publish: RequestResponsePublish) {
        // Nearly always one registration matches: it is kept inline, an array only for more.
        var first: Registration?
        var others: [Registration] = []
        trie.forEachMatch(of: publish.topic) { id in
            guard let registration = registrations[id] else { return }
            if first == nil { first = registration } else { others.append(registration) }
        }
        guard let first else { return }
        let acknowledgement = transport.deferAcknowledgement()
        let request = IncomingRequest(topic: publish.topic, payload: publish.payload, properties: publish.properties)
        counters.received += 1
        if deduplication != nil {
            let now = NIODeadline.now()
            let remaining = request.deadline.map { ContinuousClock.now.duration(to: $0) } ?? options.deduplicationWindow
            let key = ResponderDeduplication.key(for: request)
            switch deduplication!.admit(key, expires: now + TimeAmount(max(remaining, .zero)), now: now) {
            case .run:
                break
            case .dropDuplicate:
                acknowledgement?()
                counters.deduplicated += 1
                first.metrics.deduplicated.increment()
                return
            case .answer(let responses):
                acknowledgement?()
                counters.deduplicated += 1
                first.metrics.deduplicated.increment()
                for response in responses {
                    publishOnLoop(topic: response.topic, payload: response.payload, properties: response.properties)
                        .whenFailure { [logger] error in
                            logger.debug(
                                "could not republish a remembered response", metadata: ["mqtt.error": "\(error)"])
                        }
                }
                return
            }
        }
        func enqueue(_ registration: Registration) {
            var request = request
            request.replies = ResponderReplies()
            pending.append(
                Job(
                    request: request, handler: registration.handler, operation: registration.operation,
                    metrics: registration.metrics, acknowledgement: acknowledgement))
        }
        enqueue(first)
        others.forEach(enqueue)
        startJobs()
    }

    // MARK: Helpers

    private func unsubscribeAll() -> EventLoopFuture<Void> {
        let filters = Set(registrations.values.map(\.filter.rawValue))
        registrations.removeAll()
        trie = TopicFilterTrie()
        guard transport.isConnected else { return eventLoop.makeSucceededVoidFuture() }
        let unsubscribes = filters.sorted().map {
            bounded(transport.unsubscribe(topicFilter: $0), what: "UNSUBACK").map { _ in }.recover { _ in }
        }
        return EventLoopFuture.andAllComplete(unsubscribes, on: eventLoop)
    }

    private func stopListening() {
        if let listenerID {
            transport.removeListener(listenerID)
            self.listenerID = nil
        }
    }

    @discardableResult
    private func removeRegistration(_ id: UInt64) -> Registration? {
        guard let registration = registrations.removeValue(forKey: id) else { return nil }
        trie.remove(id, for: registration.filter.filter)
        return registration
    }

    /// Fails `future` with a timeout error if it has not completed within the acknowledgement timeout.
    private func bounded<Value: Sendable>(_ future: EventLoopFuture<Value>, what: String) -> EventLoopFuture<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        let timeout = eventLoop.scheduleTask(in: TimeAmount(acknowledgementTimeout)) {
            promise.fail(
                RequestResponseError(code: .timeout, message: "no \(what) within \(self.acknowledgementTimeout)"))
        }
        future.whenComplete { result in
            timeout.cancel()
            promise.completeWith(result)
        }
        return promise.futureResult
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private static func subscribeError(filter: MQTTTopicFilter, error: any Error) -> RequestResponseError {
        if let error = error as? RequestResponseError { return error }
        return RequestResponseError(
            code: .subscribeFailure, message: "SUBSCRIBE to '\(filter)' failed in the transport", cause: error)
    }

    private static func result<Value: Sendable>(
        _ future: EventLoopFuture<Value>
    ) async -> Result<Value, RequestResponseError> {
        do {
            return .success(try await future.get())
        } catch let error as RequestResponseError {
            return .failure(error)
        } catch {
            return .failure(
                RequestResponseError(code: .clientShutDown, message: "the event loop is gone", cause: error))
        }
    }
}
