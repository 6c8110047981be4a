import MQTT5
import Synchronization

/// The packet log, the set of connected clients and the event subscribers, shared between the
/// broker's event loop (which records) and test code on any thread (which reads).
///
/// Kept apart from the routing state: it is written only by the event loop, but read from
/// anywhere without a hop, so it sits behind a mutex.
final class BrokerObservations: Sendable {
    private struct State {
        var log: [MQTTTestBroker.PacketRecord] = []
        var connected: Set<String> = []
        var subscribers: [Int: AsyncStream<MQTTTestBroker.Event>.Continuation] = [:]
        var nextSubscriberID = 0
        var isFinished = false
    }

    private let state = Mutex(State())
    private let logLimit: Int

    init(logLimit: Int) {
        self.logLimit = max(1, logLimit)
    }

    /// Records `event` and delivers it to every event stream.
    func record(_ event: MQTTTestBroker.Event) {
        let subscribers = state.withLock { state -> [AsyncStream<MQTTTestBroker.Event>.Continuation] in
            switch event {
            case .connected(let clientID):
                state.connected.insert(clientID)
            case .disconnected(let clientID):
                state.connected.remove(clientID)
            case .packet(let record):
                state.log.append(record)
                if state.log.count >= 2 * logLimit { state.log.removeFirst(state.log.count - logLimit) }
            }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    var packetLog: [MQTTTestBroker.PacketRecord] {
        state.withLock { Array($0.log.suffix(logLimit)) }
    }

    var connectedClientIDs: Set<String> {
        state.withLock { $0.connected }
    }

    func clearLog() {
        state.withLock {
            $0.log.removeAll()
        }
    }

    /// A stream of events from now on, together with the packet log as it was when the stream
    /// was created (so nothing is missed between the two).
    func subscribe() -> (log: [MQTTTestBroker.PacketRecord], stream: AsyncStream<MQTTTestBroker.Event>) {
        let (stream, continuation) = AsyncStream<MQTTTestBroker.Event>.makeStream(bufferingPolicy: .unbounded)
        let (log, id) = state.withLock { state -> ([MQTTTestBroker.PacketRecord], Int?) in
            guard !state.isFinished else { return ([], nil) }
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = continuation
            return (Array(state.log.suffix(logLimit)), id)
        }
        if let id {
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
        } else {
            continuation.finish()
        }
        return (log, stream)
    }

    /// Ends every event stream; later streams end at once.
    func finish() {
        let subscribers = state.withLock { state in
            state.isFinished = true
            state.connected.removeAll()
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
