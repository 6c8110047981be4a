import MQTT5
import NIOCore
import NIOPosix
import RequestResponse
import Synchronization

/// A tiny MQTT-like router for tests: transports made from one broker see each other's
/// publishes when a subscription filter matches, with QoS 1 acknowledgements and MQTT 5
/// properties passed through. It records every publish so tests can inspect the wire.
final class InProcessBroker: Sendable {
    struct Published: Sendable {
        var topic: String
        var payload: ByteBuffer
        var properties: MQTTProperties
        var text: String { String(buffer: payload) }
    }

    private struct State {
        var transports: [ObjectIdentifier: InProcessTransport] = [:]
        var published: [Published] = []
    }

    let eventLoop: any EventLoop
    private let state = Mutex(State())

    init(eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.eventLoop = eventLoop
    }

    /// A new connected client of this broker.
    func makeTransport() -> InProcessTransport {
        let transport = InProcessTransport(broker: self)
        state.withLock { $0.transports[ObjectIdentifier(transport)] = transport }
        return transport
    }

    /// Everything published so far, in order.
    var published: [Published] { state.withLock { $0.published } }

    /// Publishes as an outside party (a service console, a device).
    func publish(topic: String, payload: String, properties: MQTTProperties = MQTTProperties()) {
        route(Published(topic: topic, payload: ByteBuffer(string: payload), properties: properties))
    }

    func route(_ message: Published) {
        let receivers = state.withLock { state in
            state.published.append(message)
            return Array(state.transports.values)
        }
        for receiver in receivers where receiver.isSubscribed(to: message.topic) {
            receiver.deliver(
                RequestResponsePublish(topic: message.topic, payload: message.payload, properties: message.properties))
        }
    }
}

/// One client connection of an ``InProcessBroker``.
final class InProcessTransport: RequestResponseTransport, Sendable {
    private struct State {
        var filters: [String: MQTTTopicFilter] = [:]
        var listeners: [Int: @Sendable (RequestResponseTransportEvent) -> Void] = [:]
        var nextListener = 0
    }

    private let broker: InProcessBroker
    private let state = Mutex(State())

    init(broker: InProcessBroker) {
        self.broker = broker
    }

    var eventLoop: any EventLoop { broker.eventLoop }
    var isConnected: Bool { true }
    var supportsProperties: Bool { true }

    func isSubscribed(to topic: String) -> Bool {
        state.withLock { state in state.filters.values.contains { $0.matches(topic) } }
    }

    func deliver(_ publish: RequestResponsePublish) {
        let listeners = state.withLock { Array($0.listeners.values) }
        eventLoop.execute {
            for listener in listeners { listener(.publish(publish)) }
        }
    }

    func subscribe(topicFilter: String) -> EventLoopFuture<MQTTSubAckReasonCode> {
        guard let filter = try? MQTTTopicFilter(topicFilter) else {
            return eventLoop.makeSucceededFuture(.topicFilterInvalid)
        }
        state.withLock { $0.filters[topicFilter] = filter }
        return eventLoop.makeSucceededFuture(.grantedQoS1)
    }

    func unsubscribe(topicFilter: String) -> EventLoopFuture<MQTTUnsubAckReasonCode> {
        _ = state.withLock { $0.filters.removeValue(forKey: topicFilter) }
        return eventLoop.makeSucceededFuture(.success)
    }

    func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties
    ) -> EventLoopFuture<MQTTPubAckReasonCode> {
        broker.route(InProcessBroker.Published(topic: topic, payload: payload, properties: properties))
        return eventLoop.makeSucceededFuture(.success)
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
}
