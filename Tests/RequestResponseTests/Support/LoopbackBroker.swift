import MQTT5
import NIOCore
import RequestResponse
import Synchronization

/// Routes every PUBLISH of its transports to every transport subscribed to the topic, like a
/// broker, so a ``RequestResponder`` and a ``RequestResponseClient`` can talk in memory.
final class LoopbackBroker: Sendable {
    private let transports = Mutex<[TestTransport]>([])

    /// Creates a transport attached to this broker.
    func makeTransport() -> TestTransport {
        let transport = TestTransport()
        transport.service { [weak self] published in
            self?.route(published)
            return []
        }
        transports.withLock { $0.append(transport) }
        return transport
    }

    private func route(_ published: TestTransport.Published) {
        let publish = RequestResponsePublish(
            topic: published.topic, payload: published.payload, properties: published.properties)
        for transport in transports.withLock({ $0 }) { transport.inject(publish) }
    }
}
