import Logging
import MQTT5
import NIOCore
import Synchronization

/// The event-loop shell of a ``RequestResponseClient``: feeds transport events, calls and the
/// timer into the ``RequestResponseStateMachine`` and performs the actions it returns.
///
/// Everything but the atomics is confined to `eventLoop` (hence `@unchecked Sendable`).
final class RequestResponseClientCore: @unchecked Sendable {
    typealias OperationID = RequestResponseStateMachine.OperationID
    typealias Continuation = UnsafeContinuation<Result<RequestResponseClient.Response, RequestResponseError>, Never>

    let eventLoop: any EventLoop
    let transport: any RequestResponseTransport
    let logger: Logger
    private let closed = Atomic<Bool>(false)
    private let nextID = Atomic<UInt64>(1)

    // Loop-confined state.
    private var machine: RequestResponseStateMachine
    private var continuations: [OperationID: Continuation] = [:]
    /// The action buffer `run(_:)` lends to the machine for an event, kept between events.
    private var spareActions: [RequestResponseStateMachine.Action] = []
    private var streamBuffers: [OperationID: StreamEventBuffer] = [:]
    private var listenerID: RequestResponseTransportListenerID?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var closeFuture: EventLoopFuture<Void>?
    private let subscriptionMetrics: ClientSubscriptionMetrics

    init(
        transport: any RequestResponseTransport, configuration: RequestResponseStateMachine.Configuration,
        logger: Logger
    ) {
        self.eventLoop = transport.eventLoop
        self.transport = transport
        self.logger = logger
        self.machine = RequestResponseStateMachine(
            configuration: configuration, isOnline: false, supportsProperties: true)
        self.subscriptionMetrics = ClientSubscriptionMetrics(configuration.subscriptions)
    }

    var isClosed: Bool { closed.load(ordering: .relaxed) }

    func makeID() -> OperationID { nextID.add(1, ordering: .relaxed).oldValue }

    private func now() -> NIODeadline { eventLoop.now }

    /// Registers with the transport and learns the connection state (on the loop).
    func start() {
        eventLoop.execute { [self] in
            guard !closed.load(ordering: .relaxed) else { return }
            listenerID = transport.addListener { [self] event in handle(event) }
            if transport.isConnected {
                run(
                    machine.connected(
                        sessionPresent: true, supportsProperties: transport.supportsProperties, now: now()))
            }
        }
    }

    private func handle(_ event: RequestResponseTransportEvent) {
        eventLoop.assertInEventLoop()
        switch event {
        case .publish(let publish):
            run { machine, actions in machine.incomingPublish(publish, now: now(), into: &actions) }
        case .connected(let sessionPresent):
            logger.debug("transport connected", metadata: ["mqtt.session_present": "\(sessionPresent)"])
            run(
                machine.connected(
                    sessionPresent: sessionPresent, supportsProperties: transport.supportsProperties, now: now()))
        case .disconnected:
            logger.debug("transport disconnected")
            machine.disconnected()
        }
    }

    // MARK: Requests

    func request(
        _ request: PreparedRequest, timeout: Duration
    ) async -> Result<RequestResponseClient.Response, RequestResponseError> {
        let submitted = now()
        let pending = PendingRequest(
            core: self, id: makeID(), request: request, timeout: timeout, deadline: submitted + timeout)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: Continuation) in
                pending.continuation = continuation
                // A caller already on the loop (the client's task executor) submits at once: the
                // request then leaves in this tick, with the acknowledgements the loop holds back.
                if eventLoop.inEventLoop {
                    pending.submit()
                } else {
                    eventLoop.execute { pending.submit() }
                }
            }
        } onCancel: {
            pending.cancel()
        }
    }

    /// Called on the loop by ``PendingRequest/submit()``.
    fileprivate func submit(_ pending: PendingRequest, continuation: Continuation) {
        guard !pending.isCancelled else {
            continuation.resume(returning: .failure(.cancelled()))
            return
        }
        continuations[pending.id] = continuation
        run { machine, actions in
            machine.submitRequest(
                id: pending.id, request: pending.request, timeout: pending.timeout, deadline: pending.deadline,
                now: now(), into: &actions)
        }
    }

    /// Called by ``PendingRequest/cancel()`` when the caller's task is cancelled.
    fileprivate func cancel(_ id: OperationID) {
        eventLoop.execute { [self] in
            run(machine.cancelRequest(id: id, now: now()))
        }
    }

    // MARK: Streams

    func openStream(id: OperationID, filter: MQTTTopicFilter, buffer: StreamEventBuffer) {
        eventLoop.execute { [self] in
            streamBuffers[id] = buffer
            run(machine.openStream(id: id, filter: filter, now: now()))
        }
    }

    func closeStream(id: OperationID) {
        eventLoop.execute { [self] in
            run(machine.closeStream(id: id, now: now()))
        }
    }

    // MARK: Statistics and shutdown

    func statistics() async -> RequestResponseStatistics {
        (try? await eventLoop.submit { [self] in machine.statistics }.get()) ?? RequestResponseStatistics()
    }

    func close() async {
        closed.store(true, ordering: .relaxed)
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute { [self] in
            shutdown().cascade(to: promise)
        }
        try? await promise.futureResult.get()
    }

    /// Called when the client is released without ``close()``: shuts down without waiting.
    func shutdownWhenUnused() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        eventLoop.execute { [self] in _ = shutdown() }
    }

    /// Runs the state machine's shutdown; the future completes when every UNSUBACK arrived (or
    /// the acknowledgement timeout passed).
    private func shutdown() -> EventLoopFuture<Void> {
        if let closeFuture { return closeFuture }
        var unsubscribes: [EventLoopFuture<Void>] = []
        for action in machine.shutdown(now: now()) {
            if case .unsubscribe(let filter, _) = action {
                unsubscribes.append(transport.unsubscribe(topicFilter: filter).map { _ in }.recover { _ in })
            } else {
                perform(action)
            }
        }
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        if let listenerID {
            transport.removeListener(listenerID)
            self.listenerID = nil
        }
        let all = EventLoopFuture.andAllComplete(unsubscribes, on: eventLoop)
        let bounded = eventLoop.makePromise(of: Void.self)
        all.cascade(to: bounded)
        let bound = eventLoop.scheduleTask(in: TimeAmount(machine.configuration.acknowledgementTimeout)) {
            bounded.succeed()
        }
        all.whenComplete { _ in bound.cancel() }
        closeFuture = bounded.futureResult
        return bounded.futureResult
    }

    // MARK: Actions

    private func run(_ actions: [RequestResponseStateMachine.Action]) {
        for action in actions { perform(action) }
        rescheduleTimer()
    }

    /// Runs `event` on the machine with a reused action buffer (the per-request events: no
    /// array to allocate), then performs the actions. An action may re-enter the machine (a
    /// publish that fails at once); the inner call then finds no spare buffer and uses a new one.
    private func run(
        _ event: (inout RequestResponseStateMachine, inout [RequestResponseStateMachine.Action]) -> Void
    ) {
        var actions: [RequestResponseStateMachine.Action] = []
        swap(&actions, &spareActions)
        event(&machine, &actions)
        for action in actions { perform(action) }
        actions.removeAll(keepingCapacity: true)
        swap(&actions, &spareActions)
        rescheduleTimer()
    }

    private func perform(_ action: RequestResponseStateMachine.Action) {
        switch action {
        case .subscribe(let filter, let generation):
            transport.subscribe(topicFilter: filter).whenComplete { [self] result in
                let outcome: SubscriptionManager.SubscribeOutcome
                switch result {
                case .success(let code): outcome = code.isError ? .rejected(code) : .granted
                case .failure(let error):
                    outcome = .transportFailure(error)
                    noteConnectionStateBeforeFailure()
                }
                if case .granted = outcome {
                } else {
                    logger.debug("SUBSCRIBE failed", metadata: ["mqtt.filter": "\(filter)", "outcome": "\(outcome)"])
                }
                run(machine.subscribeCompleted(filter: filter, generation: generation, outcome: outcome, now: now()))
                subscriptionMetrics.record(machine.statistics)
            }
        case .unsubscribe(let filter, let generation):
            transport.unsubscribe(topicFilter: filter).whenComplete { [self] result in
                let outcome: SubscriptionManager.UnsubscribeOutcome
                switch result {
                case .success(let code): outcome = code.isError ? .rejected(code) : .success
                case .failure(let error):
                    outcome = .transportFailure(error)
                    noteConnectionStateBeforeFailure()
                }
                run(machine.unsubscribeCompleted(filter: filter, generation: generation, outcome: outcome, now: now()))
                subscriptionMetrics.record(machine.statistics)
            }
        case .publish(let id, let topic, let payload, let properties):
            transport.publish(topic: topic, payload: payload, properties: properties) { [self] result in
                let outcome: RequestResponseStateMachine.PublishOutcome
                switch result {
                case .success(let code): outcome = .acknowledged(code)
                case .failure(let error):
                    outcome = .transportFailure(error)
                    noteConnectionStateBeforeFailure()
                }
                run { machine, actions in
                    machine.publishCompleted(id: id, outcome: outcome, now: now(), into: &actions)
                }
            }
        case .completeRequest(let id, let result):
            continuations.removeValue(forKey: id)?.resume(returning: result)
        case .streamEvent(let id, let event):
            if let buffer = streamBuffers[id], buffer.push(event) {
                machine.noteStreamPublishDropped()
            }
        case .finishStream(let id):
            streamBuffers.removeValue(forKey: id)?.finish()
        }
    }

    /// A transport may fail the packets in flight before it reports the disconnect; learn it
    /// from `isConnected` so the failure is treated as "retry on reconnect", not as final.
    private func noteConnectionStateBeforeFailure() {
        if !transport.isConnected { machine.disconnected() }
    }

    /// Keeps exactly one scheduled task, for the earliest deadline in the heap.
    private func rescheduleTimer() {
        guard let next = machine.nextDeadline else { return }
        if let current = timerDeadline, current <= next { return }
        timer?.cancel()
        timerDeadline = next
        timer = eventLoop.scheduleTask(deadline: next) { [self] in
            timer = nil
            timerDeadline = nil
            run(machine.timerFired(now: now()))
        }
    }
}

/// One request on its way from the caller's task to the loop: one allocation carries what the
/// loop needs, the continuation and the cancellation flag, and is the submission closure's only
/// capture.
///
/// `continuation` is written once by the caller before the loop is handed the request
/// (`EventLoop.execute` orders the write before the loop's read), hence `@unchecked Sendable`.
final class PendingRequest: @unchecked Sendable {
    typealias OperationID = RequestResponseClientCore.OperationID

    let core: RequestResponseClientCore
    let id: OperationID
    let request: PreparedRequest
    let timeout: Duration
    let deadline: NIODeadline
    var continuation: RequestResponseClientCore.Continuation?
    /// Shared between the cancellation handler and the submission on the loop, so a
    /// cancellation that overtakes the submission is not lost.
    private let cancelled = Atomic<Bool>(false)

    init(
        core: RequestResponseClientCore, id: OperationID, request: PreparedRequest, timeout: Duration,
        deadline: NIODeadline
    ) {
        self.core = core
        self.id = id
        self.request = request
        self.timeout = timeout
        self.deadline = deadline
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// On the loop: hands the request to the state machine, or fails it if already cancelled.
    func submit() {
        guard let continuation else { preconditionFailure("PendingRequest submitted without a continuation") }
        self.continuation = nil
        core.submit(self, continuation: continuation)
    }

    /// From the cancellation handler (any thread).
    func cancel() {
        cancelled.store(true, ordering: .releasing)
        core.cancel(id)
    }
}
