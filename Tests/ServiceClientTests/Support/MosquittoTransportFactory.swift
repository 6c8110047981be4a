import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization

/// A ``ServiceTransportFactory`` over a private mosquitto: every transport is a new
/// `MQTTClient` connection (through `MQTTClientTransport`), so the round-trip helpers run end to
/// end over a real broker. ``withMosquittoFactory(_:)`` stops the clients and the broker.
final class MosquittoTransportFactory: ServiceTransportFactory {
    let broker: MosquittoBroker
    private let clients = Mutex<[MQTTClient]>([])
    private let prefix = "svc\(UInt32.random(in: 0...UInt32.max))"

    private init(broker: MosquittoBroker) {
        self.broker = broker
    }

    static func start() async throws -> MosquittoTransportFactory {
        MosquittoTransportFactory(broker: try await MosquittoBroker.start())
    }

    /// A new connected client (the first connection awaited at most 5 s).
    func makeClient() async throws -> MQTTClient {
        let number = clients.withLock { $0.count }
        var configuration = try MQTTClient.Configuration(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "\(prefix)-\(number)")
        configuration.connectTimeout = .seconds(2)
        configuration.connAckTimeout = .seconds(2)
        configuration.ackTimeout = .seconds(5)
        configuration.reconnect = MQTTReconnectPolicy(
            minimumDelay: .milliseconds(20), maximumDelay: .milliseconds(100), jitter: .none)
        let client = MQTTClient(configuration: configuration)
        clients.withLock { $0.append(client) }
        client.start()
        try await client.waitForConnection(timeout: .seconds(5))
        return client
    }

    func makeTransport() async throws -> any RequestResponseTransport {
        MQTTClientTransport(try await makeClient())
    }

    /// Subscribes a new client to `filter` and records the payloads it receives, as a wire tap.
    func tap(_ filter: String) async throws -> WireTap {
        let client = try await makeClient()
        let tap = WireTap(client)
        let subAck = try await client.subscribe(to: filter, qos: .atLeastOnce)
        guard subAck.reasonCodes.allSatisfy({ !$0.isError }) else { throw MosquittoError.tap(filter) }
        return tap
    }

    func shutdown() async {
        let clients = self.clients.withLock { clients in
            defer { clients.removeAll() }
            return clients
        }
        for client in clients { await client.stop() }
        broker.stop()
    }

    enum MosquittoError: Error { case tap(String) }
}

/// What a subscriber saw on the broker: topic and payload text of every message, in order.
final class WireTap: Sendable {
    private final class Seen: Sendable {
        let messages = Mutex<[(topic: String, text: String)]>([])
    }

    private let seen = Seen()
    private let task: Task<Void, Never>

    init(_ client: MQTTClient) {
        let stream = client.publishes()
        let seen = self.seen
        task = Task {
            for await publish in stream {
                seen.messages.withLock { $0.append((publish.topic, String(buffer: publish.payload))) }
            }
        }
    }

    deinit { task.cancel() }

    /// The messages seen on `topic` after waiting (at most `timeout`) until at least `count` arrived.
    func messages(on topic: String, atLeast count: Int = 1, timeout: Duration = .seconds(5)) async -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let texts = seen.messages.withLock { $0.filter { $0.topic == topic }.map(\.text) }
            if texts.count >= count || ContinuousClock.now >= deadline { return texts }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// Runs `body` with a fresh mosquitto-backed factory and shuts it down afterwards.
func withMosquittoFactory<Result: Sendable>(
    _ body: (MosquittoTransportFactory) async throws -> Result
) async throws -> Result {
    let factory = try await MosquittoTransportFactory.start()
    do {
        let result = try await body(factory)
        await factory.shutdown()
        return result
    } catch {
        await factory.shutdown()
        throw error
    }
}
