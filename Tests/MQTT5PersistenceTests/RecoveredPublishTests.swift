import Foundation
import MQTT5
import MQTT5Testing
import NIOCore
import Synchronization
import Testing

/// Restart semantics against a real broker: a client stopped with publishes in flight leaves them
/// in its store; the next client with that store finishes them and reports the outcomes.
@Suite(.enabled(if: MosquittoBroker.shouldRunTests), .timeLimit(.minutes(1)))
struct RecoveredPublishTests {
    struct Rig {
        let broker: MosquittoBroker
        let subscriber: MQTTClient
        let received: Received
        let topic = "recovered/#"

        var url: String { "mqtt://127.0.0.1:\(broker.port)" }

        func configuration(store: any MQTTSessionStore) throws -> MQTTClient.Configuration {
            var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: store.clientIdentifier)
            configuration.sessionStore = store
            configuration.sessionBehavior = .rejoinAlways
            configuration.sessionExpiryInterval = 300
            configuration.reconnect = MQTTReconnectPolicy(
                minimumDelay: .milliseconds(20), maximumDelay: .milliseconds(100), jitter: .none)
            return configuration
        }

        /// Publishes a QoS 1 and a QoS 2 message while the broker is frozen, then stops the client:
        /// both stay in the store, unacknowledged.
        func leaveInFlight(_ store: any MQTTSessionStore) async throws {
            let client = MQTTClient(configuration: try configuration(store: store))
            client.start()
            try await client.waitForConnection(timeout: .seconds(5))
            let pid = try #require(broker.pid)
            kill(pid, SIGSTOP)
            let deadline = ContinuousClock.now + .seconds(5)
            func waitForUnacknowledged(_ count: Int) async throws {
                while client.statistics.unackedOperationCount < count, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            // One after the other, so the store holds them in this order.
            let one = Task {
                try await client.publish(to: "recovered/1", payload: ByteBuffer(string: "one"), qos: .atLeastOnce)
            }
            try await waitForUnacknowledged(1)
            let two = Task {
                try await client.publish(to: "recovered/2", payload: ByteBuffer(string: "two"), qos: .exactlyOnce)
            }
            try await waitForUnacknowledged(2)
            #expect(client.statistics.unackedOperationCount == 2)
            await client.stop()
            kill(pid, SIGCONT)
            await #expect(throws: MQTTError.self) { try await one.value }
            await #expect(throws: MQTTError.self) { try await two.value }
            #expect(try store.load().publishes.map(\.packet.topic) == ["recovered/1", "recovered/2"])
        }

        func waitForMessages(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(5)
            while received.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    final class Received: Sendable {
        let messages = Mutex<[String]>([])
        func withLock<T: Sendable>(_ body: (inout [String]) -> T) -> T { messages.withLock { body(&$0) } }
    }

    static func withRig(_ body: (Rig) async throws -> Void) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        var configuration = try MQTTClient.Configuration(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "sub")
        configuration.reconnect = MQTTReconnectPolicy(
            minimumDelay: .milliseconds(20), maximumDelay: .milliseconds(100), jitter: .none)
        let subscriber = MQTTClient(configuration: configuration)
        let received = Received()
        let messages = subscriber.publishes()
        subscriber.start()
        try await subscriber.waitForConnection(timeout: .seconds(5))
        try await subscriber.subscribe(to: "recovered/#", qos: .exactlyOnce)
        let reader = Task {
            for await message in messages { received.withLock { $0.append(String(buffer: message.payload)) } }
        }
        defer { reader.cancel() }
        try await body(Rig(broker: broker, subscriber: subscriber, received: received))
        await subscriber.stop()
    }

    @Test("A resumed session finishes the stored publishes; the outcomes are reported; QoS 2 arrives once")
    func resumed() async throws {
        try await Self.withRig { rig in
            let store = try MQTTInMemorySessionStore(clientIdentifier: "device-resumed")
            try await rig.leaveInFlight(store)
            let client = MQTTClient(configuration: try rig.configuration(store: store))
            client.start()
            let outcomes = try await client.recoveredPublishes()
            #expect(outcomes.map(\.packet.topic) == ["recovered/1", "recovered/2"])
            #expect(outcomes.allSatisfy { (try? $0.result.get())?.isSuccess == true })
            #expect(outcomes.allSatisfy { !$0.wasResentAsNewMessage })
            #expect(client.negotiatedSettings?.rejoinedSession == true)
            try await rig.waitForMessages(2)
            try await Task.sleep(for: .milliseconds(100))
            let received = rig.received.withLock { $0 }
            #expect(received.filter { $0 == "two" }.count == 1)  // QoS 2: exactly once
            #expect(received.contains("one"))
            #expect(try store.load().publishes.isEmpty)
            await client.stop()
        }
    }

    @Test("Without the session the stored publishes are sent again as new messages, and the report says so")
    func notResumedResend() async throws {
        try await Self.withRig { rig in
            let store = try MQTTInMemorySessionStore(clientIdentifier: "device-resend")
            try await rig.leaveInFlight(store)
            var configuration = try rig.configuration(store: store)
            configuration.sessionBehavior = .clean  // the broker starts a new session
            let client = MQTTClient(configuration: configuration)
            client.start()
            let outcomes = try await client.recoveredPublishes()
            #expect(outcomes.count == 2)
            #expect(outcomes.allSatisfy { (try? $0.result.get())?.isSuccess == true && $0.wasResentAsNewMessage })
            #expect(try store.load().publishes.isEmpty)
            await client.stop()
        }
    }

    @Test("Without the session and with the fail policy, the stored publishes fail with sessionLost")
    func notResumedFail() async throws {
        try await Self.withRig { rig in
            let store = try MQTTInMemorySessionStore(clientIdentifier: "device-fail")
            try await rig.leaveInFlight(store)
            var configuration = try rig.configuration(store: store)
            configuration.sessionBehavior = .clean
            configuration.recoveredPublishesWithoutSession = .fail
            let client = MQTTClient(configuration: configuration)
            client.start()
            let outcomes = try await client.recoveredPublishes()
            #expect(outcomes.count == 2)
            for outcome in outcomes {
                #expect(throws: MQTTError.self) { try outcome.result.get() }
                if case .failure(let error) = outcome.result { #expect(error.code == .sessionLost) }
            }
            #expect(try store.load().publishes.isEmpty)
            await client.stop()
        }
    }

    @Test("No store: recoveredPublishes returns at once with nothing")
    func noStore() async throws {
        let client = MQTTClient(
            configuration: try MQTTClient.Configuration(url: "mqtt://127.0.0.1:1", clientIdentifier: "x"))
        #expect(try await client.recoveredPublishes().isEmpty)
    }
}
