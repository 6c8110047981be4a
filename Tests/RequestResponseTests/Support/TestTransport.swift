import MQTT5
import NIOCore
import NIOPosix
import RequestResponse
import Synchronization

/// A scriptable ``RequestResponseTransport`` that behaves like a connection to a small broker.
///
/// It records every SUBSCRIBE, UNSUBSCRIBE and PUBLISH; answers them with chosen reason codes,
/// failures, never, or by hand later; simulates connects (with or without the session) and
/// disconnects; and delivers publishes to the request-response layer, by default only on
/// topics it is subscribed to (as a broker would). A `service` hook plays the remote side:
/// it sees every PUBLISH and may answer with publishes.
final class TestTransport: RequestResponseTransport, @unchecked Sendable {
    enum Reply<Code: Sendable>: Sendable {
        case reply(Code)
        case fail(any Error)
        case never
        /// Kept pending until ``completePendingSubscribes(with:)`` and friends.
        case manual
    }

    struct Published: Sendable {
        var topic: String
        var payload: ByteBuffer
        var properties: MQTTProperties

        var string: String { String(buffer: payload) }
    }

    struct TransportError: Error, Sendable, Equatable {
        var reason: String
    }

    struct State {
        var connected: Bool
        var supportsProperties = true
        var subscribes: [String] = []
        var unsubscribes: [String] = []
        var publishes: [Published] = []
        /// When each SUBSCRIBE, UNSUBSCRIBE and PUBLISH was sent, in order.
        var log: [(kind: String, name: String, at: ContinuousClock.Instant)] = []
        var activeSubscriptions: Set<String> = []
        var listeners: [Int: @Sendable (RequestResponseTransportEvent) -> Void] = [:]
        var nextListener = 0
        var subscribeReply: @Sendable (String) -> Reply<MQTTSubAckReasonCode> = { _ in .reply(.grantedQoS1) }
        var unsubscribeReply: @Sendable (String) -> Reply<MQTTUnsubAckReasonCode> = { _ in .reply(.success) }
        var publishReply: @Sendable (Published) -> Reply<MQTTPubAckReasonCode> = { _ in .reply(.success) }
        /// The remote side: called for every PUBLISH; what it returns is delivered back.
        var service: @Sendable (Published) -> [RequestResponsePublish] = { _ in [] }
        var pendingSubscribes: [(String, EventLoopPromise<MQTTSubAckReasonCode>)] = []
        var pendingUnsubscribes: [(String, EventLoopPromise<MQTTUnsubAckReasonCode>)] = []
        var pendingPublishes: [(Published, EventLoopPromise<MQTTPubAckReasonCode>)] = []
    }

    let eventLoop: any EventLoop
    let state: Mutex<State>

    init(eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(), connected: Bool = true) {
        self.eventLoop = eventLoop
        self.state = Mutex(State(connected: connected))
    }

    deinit {
        // Promises answered "never" must still be completed before they are released.
        let pending = state.withLock { state in
            (state.pendingSubscribes.map(\.1), state.pendingUnsubscribes.map(\.1), state.pendingPublishes.map(\.1))
        }
        let error = TransportError(reason: "transport released")
        pending.0.forEach { $0.fail(error) }
        pending.1.forEach { $0.fail(error) }
        pending.2.forEach { $0.fail(error) }
    }

    // MARK: RequestResponseTransport

    var isConnected: Bool { state.withLock { $0.connected } }
    var supportsProperties: Bool { state.withLock { $0.supportsProperties } }

    func subscribe(topicFilter: String) -> EventLoopFuture<MQTTSubAckReasonCode> {
        let promise = eventLoop.makePromise(of: MQTTSubAckReasonCode.self)
        let reply = state.withLock { state in
            state.subscribes.append(topicFilter)
            state.log.append(("SUBSCRIBE", topicFilter, .now))
            return state.subscribeReply(topicFilter)
        }
        switch reply {
        case .reply(let code):
            if !code.isError { state.withLock { _ = $0.activeSubscriptions.insert(topicFilter) } }
            // Answer asynchronously, like a network round trip.
            eventLoop.execute { promise.succeed(code) }
        case .fail(let error): eventLoop.execute { promise.fail(error) }
        case .never, .manual: state.withLock { $0.pendingSubscribes.append((topicFilter, promise)) }
        }
        return promise.futureResult
    }

    func unsubscribe(topicFilter: String) -> EventLoopFuture<MQTTUnsubAckReasonCode> {
        let promise = eventLoop.makePromise(of: MQTTUnsubAckReasonCode.self)
        let reply = state.withLock { state in
            state.unsubscribes.append(topicFilter)
            state.log.append(("UNSUBSCRIBE", topicFilter, .now))
            return state.unsubscribeReply(topicFilter)
        }
        switch reply {
        case .reply(let code):
            if !code.isError { state.withLock { _ = $0.activeSubscriptions.remove(topicFilter) } }
            eventLoop.execute { promise.succeed(code) }
        case .fail(let error): eventLoop.execute { promise.fail(error) }
        case .never, .manual: state.withLock { $0.pendingUnsubscribes.append((topicFilter, promise)) }
        }
        return promise.futureResult
    }

    func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties
    ) -> EventLoopFuture<MQTTPubAckReasonCode> {
        let promise = eventLoop.makePromise(of: MQTTPubAckReasonCode.self)
        let published = Published(topic: topic, payload: payload, properties: properties)
        let (reply, service) = state.withLock { state in
            state.publishes.append(published)
            state.log.append(("PUBLISH", topic, .now))
            return (state.publishReply(published), state.service)
        }
        switch reply {
        case .reply(let code): eventLoop.execute { promise.succeed(code) }
        case .fail(let error): eventLoop.execute { promise.fail(error) }
        case .never, .manual: state.withLock { $0.pendingPublishes.append((published, promise)) }
        }
        let responses = service(published)
        if !responses.isEmpty {
            eventLoop.execute { [self] in responses.forEach { deliver($0) } }
        }
        return promise.futureResult
    }

    func addListener(
        _ listener: @escaping @Sendable (RequestResponseTransportEvent) -> Void
    ) -> RequestResponseTransportListenerID {
        state.withLock { state in
            state.nextListener += 1
            state.listeners[state.nextListener] = listener
            return RequestResponseTransportListenerID(rawValue: state.nextListener)
        }
    }

    func removeListener(_ id: RequestResponseTransportListenerID) {
        _ = state.withLock { $0.listeners.removeValue(forKey: id.rawValue) }
    }

    // MARK: Scripting

    var subscribes: [String] { state.withLock { $0.subscribes } }
    var unsubscribes: [String] { state.withLock { $0.unsubscribes } }
    var publishes: [Published] { state.withLock { $0.publishes } }
    var activeSubscriptions: Set<String> { state.withLock { $0.activeSubscriptions } }
    var log: [(kind: String, name: String, at: ContinuousClock.Instant)] { state.withLock { $0.log } }
    var listenerCount: Int { state.withLock { $0.listeners.count } }

    func onSubscribe(_ reply: @escaping @Sendable (String) -> Reply<MQTTSubAckReasonCode>) {
        state.withLock { $0.subscribeReply = reply }
    }

    func onUnsubscribe(_ reply: @escaping @Sendable (String) -> Reply<MQTTUnsubAckReasonCode>) {
        state.withLock { $0.unsubscribeReply = reply }
    }

    func onPublish(_ reply: @escaping @Sendable (Published) -> Reply<MQTTPubAckReasonCode>) {
        state.withLock { $0.publishReply = reply }
    }

    /// Installs the remote side.
    func service(_ service: @escaping @Sendable (Published) -> [RequestResponsePublish]) {
        state.withLock { $0.service = service }
    }

    func setSupportsProperties(_ value: Bool) {
        state.withLock { $0.supportsProperties = value }
    }

    /// Answers every SUBSCRIBE waiting for a manual reply.
    func completePendingSubscribes(with code: MQTTSubAckReasonCode) {
        let pending = state.withLock { state in
            defer { state.pendingSubscribes.removeAll() }
            if !code.isError { state.activeSubscriptions.formUnion(state.pendingSubscribes.map(\.0)) }
            return state.pendingSubscribes
        }
        pending.forEach { $0.1.succeed(code) }
    }

    func completePendingUnsubscribes(with code: MQTTUnsubAckReasonCode) {
        let pending = state.withLock { state in
            defer { state.pendingUnsubscribes.removeAll() }
            if !code.isError { state.activeSubscriptions.subtract(state.pendingUnsubscribes.map(\.0)) }
            return state.pendingUnsubscribes
        }
        pending.forEach { $0.1.succeed(code) }
    }

    func completePendingPublishes(with code: MQTTPubAckReasonCode) {
        let pending = state.withLock { state in
            defer { state.pendingPublishes.removeAll() }
            return state.pendingPublishes
        }
        pending.forEach { $0.1.succeed(code) }
    }

    var pendingSubscribeCount: Int { state.withLock { $0.pendingSubscribes.count } }

    /// Drops the connection: pending acknowledgements fail, listeners hear `disconnected`.
    func disconnect() {
        let (pending, listeners) = state.withLock { state in
            state.connected = false
            defer {
                state.pendingSubscribes.removeAll()
                state.pendingUnsubscribes.removeAll()
                state.pendingPublishes.removeAll()
            }
            return (
                (state.pendingSubscribes, state.pendingUnsubscribes, state.pendingPublishes),
                Array(state.listeners.values)
            )
        }
        let error = TransportError(reason: "connection lost")
        eventLoop.execute {
            pending.0.forEach { $0.1.fail(error) }
            pending.1.forEach { $0.1.fail(error) }
            pending.2.forEach { $0.1.fail(error) }
            listeners.forEach { $0(.disconnected) }
        }
    }

    /// Re-establishes the connection; without the session the broker forgets the subscriptions.
    func connect(sessionPresent: Bool) {
        let listeners = state.withLock { state in
            state.connected = true
            if !sessionPresent { state.activeSubscriptions.removeAll() }
            return Array(state.listeners.values)
        }
        eventLoop.execute { listeners.forEach { $0(.connected(sessionPresent: sessionPresent)) } }
    }

    /// Delivers a publish from the "broker" (on the event loop), only if a subscription matches
    /// unless `force` is set.
    func inject(_ publish: RequestResponsePublish, force: Bool = false) {
        eventLoop.execute { [self] in deliver(publish, force: force) }
    }

    private func deliver(_ publish: RequestResponsePublish, force: Bool = false) {
        eventLoop.assertInEventLoop()
        let listeners = state.withLock { state -> [@Sendable (RequestResponseTransportEvent) -> Void] in
            guard state.connected else { return [] }
            guard
                force
                    || state.activeSubscriptions.contains(where: { MQTTTopic.matches(filter: $0, topic: publish.topic) }
                    )
            else { return [] }
            return Array(state.listeners.values)
        }
        listeners.forEach { $0(.publish(publish)) }
    }
}
