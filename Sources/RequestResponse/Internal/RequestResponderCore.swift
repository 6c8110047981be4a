import Logging
import MQTT5
import NIOCore

/// The event-loop side of a ``RequestResponder``; all state is confined to `eventLoop`.
final class RequestResponderCore: @unchecked Sendable {
    typealias Handler = @Sendable (IncomingRequest) async -> Void

    private struct Registration {
        var filter: MQTTTopicFilter
        var handler: Handler
    }

    let eventLoop: any EventLoop
    let transport: any RequestResponseTransport
    let logger: Logger
    let acknowledgementTimeout: Duration

    private var registrations: [UInt64: Registration] = [:]
    private var trie = TopicFilterTrie<UInt64>()
    private var nextID: UInt64 = 1
    private var listenerID: RequestResponseTransportListenerID?
    private var closed = false

    init(transport: any RequestResponseTransport, logger: Logger, acknowledgementTimeout: Duration) {
        self.eventLoop = transport.eventLoop
        self.transport = transport
        self.logger = logger
        self.acknowledgementTimeout = acknowledgementTimeout
    }

    func serve(filter: MQTTTopicFilter, handler: @escaping Handler) async -> Result<UInt64, RequestResponseError> {
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<UInt64> in
            guard !closed else {
                return eventLoop.makeFailedFuture(RequestResponseError.clientShutDown("the responder was closed"))
            }
            if listenerID == nil {
                listenerID = transport.addListener { [self] event in handle(event) }
            }
            let id = nextID
            nextID += 1
            // Registered before subscribing so nothing published after the SUBACK is missed.
            registrations[id] = Registration(filter: filter, handler: handler)
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

    func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties
    ) async -> Result<Void, RequestResponseError> {
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<Void> in
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

    func close() async {
        let future = eventLoop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            closed = true
            let filters = Set(registrations.values.map(\.filter.rawValue))
            registrations.removeAll()
            trie = TopicFilterTrie()
            if let listenerID {
                transport.removeListener(listenerID)
                self.listenerID = nil
            }
            guard transport.isConnected else { return eventLoop.makeSucceededVoidFuture() }
            let unsubscribes = filters.sorted().map {
                bounded(transport.unsubscribe(topicFilter: $0), what: "UNSUBACK").map { _ in }.recover { _ in }
            }
            return EventLoopFuture.andAllComplete(unsubscribes, on: eventLoop)
        }
        _ = await Self.result(future)
    }

    private func handle(_ event: RequestResponseTransportEvent) {
        switch event {
        case .publish(let publish):
            var handlers: [Handler] = []
            trie.forEachMatch(of: publish.topic) { id in
                if let registration = registrations[id] { handlers.append(registration.handler) }
            }
            guard !handlers.isEmpty else { return }
            let request = IncomingRequest(
                topic: publish.topic, payload: publish.payload, properties: publish.properties)
            for handler in handlers {
                Task { await handler(request) }
            }
        case .connected(sessionPresent: false):
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
