import Foundation
@testable import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization
import Testing

/// One private mosquitto and the MQTT clients a test connects to it. Every test makes its own
/// rig (own broker, own port), so the tests are independent and may run in parallel;
/// ``withMosquitto(_:_:)`` stops every client and the broker when the test ends.
final class MosquittoRig: Sendable {
    let broker: MosquittoBroker
    /// A topic prefix unique to this rig.
    let prefix: String
    private let clients = Mutex<[MQTTClient]>([])

    init(broker: MosquittoBroker) {
        self.broker = broker
        self.prefix = "it\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Starts a broker; `logSubscriptions` makes mosquitto log every SUBSCRIBE and UNSUBSCRIBE.
    static func start(
        _ configuration: MosquittoBroker.Configuration = .init(), logSubscriptions: Bool = false
    ) async throws -> MosquittoRig {
        var configuration = configuration
        if logSubscriptions {
            configuration.extraConfiguration += "\nlog_type subscribe\nlog_type unsubscribe\n"
        }
        return MosquittoRig(broker: try await MosquittoBroker.start(configuration))
    }

    var url: String { "mqtt://127.0.0.1:\(broker.port)" }

    /// A client configuration for tests: short timeouts and a reconnect backoff of 20-100 ms.
    func configuration(
        _ clientIdentifier: String, version: MQTTProtocolVersion = .v5_0
    ) throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: "\(prefix)-\(clientIdentifier)")
        configuration.protocolVersion = version
        configuration.connectTimeout = .seconds(2)
        configuration.connAckTimeout = .seconds(2)
        configuration.ackTimeout = .seconds(5)
        configuration.reconnect = MQTTReconnectPolicy(
            minimumDelay: .milliseconds(20), maximumDelay: .milliseconds(100), jitter: .none)
        return configuration
    }

    /// Starts a client; waits (at most 5 s) for its first connection unless `connect` is false.
    func client(_ name: String, version: MQTTProtocolVersion = .v5_0, connect: Bool = true) async throws -> MQTTClient {
        try await client(configuration(name, version: version), connect: connect)
    }

    /// Starts a client with `configuration`; waits (at most 5 s) for its first connection unless `connect` is false.
    func client(_ configuration: MQTTClient.Configuration, connect: Bool = true) async throws -> MQTTClient {
        let client = makeClient(configuration)
        client.start()
        if connect { try await client.waitForConnection(timeout: .seconds(5)) }
        return client
    }

    /// A client not yet started, stopped by ``shutdown()``.
    func makeClient(_ configuration: MQTTClient.Configuration) -> MQTTClient {
        let client = MQTTClient(configuration: configuration)
        clients.withLock { $0.append(client) }
        return client
    }

    /// A connected client wrapped as a request-response transport.
    func transport(_ name: String, version: MQTTProtocolVersion = .v5_0) async throws -> MQTTClientTransport {
        MQTTClientTransport(try await client(name, version: version))
    }

    /// Scenarios between two fresh clients of this broker.
    func scenarios(version: MQTTProtocolVersion = .v5_0) async throws -> RequestResponseScenarios {
        RequestResponseScenarios(
            clientTransport: try await transport("client", version: version),
            serviceTransport: try await transport("service", version: version), prefix: prefix)
    }

    /// Stops every client, then the broker.
    func shutdown() async {
        let clients = self.clients.withLock { clients in
            defer { clients.removeAll() }
            return clients
        }
        for client in clients { await client.stop() }
        broker.stop()
    }

    /// The filters mosquitto logged as subscribed by `client` (needs `logSubscriptions`), in order.
    /// mosquitto flushes its log after every line; a SUBACK is sent after the line is written.
    func loggedSubscriptions(of client: MQTTClient) throws -> [String] {
        let log = try String(contentsOf: broker.logFile, encoding: .utf8)
        let identifier = client.configuration.clientIdentifier
        // A subscription line reads "<time>: <client id> <qos> <filter>".
        return log.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 4, fields[1] == identifier, Int(fields[2]) != nil else { return nil }
            return String(fields[3])
        }
    }
}

/// Runs `body` with a fresh ``MosquittoRig`` and shuts it down afterwards.
func withMosquitto<Result: Sendable>(
    _ configuration: MosquittoBroker.Configuration = .init(), logSubscriptions: Bool = false,
    _ body: (MosquittoRig) async throws -> Result
) async throws -> Result {
    let rig = try await MosquittoRig.start(configuration, logSubscriptions: logSubscriptions)
    do {
        let result = try await body(rig)
        await rig.shutdown()
        return result
    } catch {
        await rig.shutdown()
        throw error
    }
}

extension MQTTClient {
    /// Closes the connection without DISCONNECT, as a network loss would; the client reconnects.
    func dropConnectionForTesting() {
        execute { core in
            core.connection?.close()
        }
    }
}

/// A gate tasks wait at until it opens; waits are bounded so a forgotten gate cannot hang a test.
final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    /// Waits until ``open()`` (polling every millisecond), or at most `timeout`.
    func wait(timeout: Duration = .seconds(5)) async {
        let deadline = ContinuousClock.now + timeout
        while !isOpen.load(ordering: .acquiring), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    func open() {
        isOpen.store(true, ordering: .releasing)
    }
}
